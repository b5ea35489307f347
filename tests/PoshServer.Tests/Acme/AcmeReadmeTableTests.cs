using System.Reflection;
using PoshServer.Acme;

namespace PoshServer.Tests.Acme;

/// <summary>Issue 14: README's ACME table lists every Acme:* option the code binds.</summary>
public sealed class AcmeReadmeTableTests
{
    [Fact]
    public void Issue14_ReadmeAcmeTable_ListsEveryAcmeOption()
    {
        var rows = File.ReadLines(RepositoryPaths.Combine("README.md")).Where(l => l.StartsWith("| `Acme:", StringComparison.Ordinal)).ToList();
        var options = typeof(AcmeOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => "`Acme:" + p.Name + "`");

        var missing = options.Where(o => !rows.Any(r => r.Split('|')[1].Contains(o, StringComparison.Ordinal))).ToList();

        Assert.Empty(missing);
    }
}
