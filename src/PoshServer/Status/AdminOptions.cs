using System.ComponentModel.DataAnnotations;

namespace PoshServer.Status;

/// <summary>The admin listener: status page, status API, /metrics. Section "Admin".</summary>
internal sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Run the admin listener. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>IP address to listen on. Default "127.0.0.1" (loopback only); any other address needs <see cref="BearerToken"/>.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Port. Default 9090; 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 9090;

    /// <summary>
    /// When set, every request needs "Authorization: Bearer &lt;token&gt;". Required when <see cref="Address"/> is not a
    /// loopback address; at least 16 characters.
    /// </summary>
    public string? BearerToken { get; set; }
}
