using Microsoft.Extensions.Primitives;
using PoshServer.Acme;

namespace PoshServer.Tests.Acme;

/// <summary>A name source the test edits, firing the change token like the tenant store would.</summary>
internal sealed class TestAcmeNameSource : IAcmeNameSource, IDisposable
{
    private readonly Lock _gate = new();
    private string[] _names;
    private CancellationTokenSource _changed = new();

    public TestAcmeNameSource(params string[] names)
    {
        _names = names;
    }

    public IReadOnlyCollection<string> GetNames()
    {
        lock (_gate)
        {
            return _names;
        }
    }

    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }

    public void Set(params string[] names)
    {
        CancellationTokenSource changed;
        lock (_gate)
        {
            _names = names;
            changed = _changed;
            _changed = new CancellationTokenSource();
        }

        changed.Cancel();
    }

    public void Dispose() => _changed.Dispose();
}
