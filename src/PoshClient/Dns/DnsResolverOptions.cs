using System.Net;

namespace PoshClient.Dns;

/// <summary>Options of <see cref="DnsResolver"/>.</summary>
public sealed class DnsResolverOptions
{
    /// <summary>
    /// The servers to ask, in order. Empty (the default): the nameservers of /etc/resolv.conf (at most three; 127.0.0.1
    /// when the file is missing), whose <c>options timeout:N attempts:N</c> then replace <see cref="AttemptTimeout"/> and
    /// <see cref="Attempts"/>.
    /// </summary>
    public IList<IPEndPoint> Servers { get; } = [];

    /// <summary>Time to wait for one answer from one server. Default 2 s; range 50 ms – 30 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many rounds over the server list. Default 2; range 1–5.</summary>
    public int Attempts { get; set; } = 2;

    /// <summary>
    /// Time to wait for one TCP connection to one address in <see cref="DnsResolver.ConnectAsync"/> before trying the
    /// next address. Default 10 s; range 100 ms – 2 min.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
