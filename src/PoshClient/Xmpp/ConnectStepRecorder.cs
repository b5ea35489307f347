namespace PoshClient.Xmpp;

/// <summary>Collects the timed steps of one <see cref="XmppConnector.ConnectAsync"/> call.</summary>
internal sealed class ConnectStepRecorder(TimeProvider timeProvider)
{
    private readonly long _origin = timeProvider.GetTimestamp();
    private readonly List<XmppConnectStep> _steps = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<XmppConnectStep> Steps
    {
        get
        {
            lock (_gate)
            {
                return [.. _steps];
            }
        }
    }

    public long Start() => timeProvider.GetTimestamp();

    public void Add(string name, string detail, long started, bool succeeded, PoshClient.Dane.DnssecStatus? dnssec = null)
    {
        var step = new XmppConnectStep
        {
            Name = name,
            Detail = detail,
            Started = timeProvider.GetElapsedTime(_origin, started),
            Duration = timeProvider.GetElapsedTime(started),
            Succeeded = succeeded,
            Dnssec = dnssec,
        };
        lock (_gate)
        {
            _steps.Add(step);
        }
    }
}
