using System.Reflection;
using System.Runtime.CompilerServices;
using PoshClient.Verification;

namespace PoshClient.Tests;

/// <summary>
/// The library's public surface is frozen in src/PoshClient/PublicAPI.Shipped.txt; PublicApiAnalyzers enforces every
/// member at build time (RS0016, RS0017). This checks the same file from the test side, type by type, so that a
/// surface change cannot slip through a build that had the analyzer turned off.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicTypes_MatchPublicApiFiles()
    {
        // Arrange
        var declared = DeclaredTypes();
        var exported = typeof(PoshVerifier).Assembly.GetExportedTypes()
            .Select(t => t.FullName!.Replace('+', '.'))
            .ToHashSet(StringComparer.Ordinal);

        // Assert
        Assert.Empty(exported.Except(declared).Order(StringComparer.Ordinal));
        Assert.Empty(declared.Except(exported).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PublicApiFiles_StartWithNullableEnable()
    {
        foreach (var file in ApiFiles())
        {
            Assert.Equal("#nullable enable", File.ReadLines(file).First());
        }
    }

    /// <summary>The type lines of the API files: those that name a type alone, with no member, signature or value.</summary>
    private static HashSet<string> DeclaredTypes() =>
        ApiFiles()
            .SelectMany(File.ReadLines)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#') && !line.Contains(' ', StringComparison.Ordinal) && !line.Contains('(', StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> ApiFiles([CallerFilePath] string here = "")
    {
        var library = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "src", "PoshClient"));
        return [Path.Combine(library, "PublicAPI.Shipped.txt"), Path.Combine(library, "PublicAPI.Unshipped.txt")];
    }
}
