using Microsoft.Extensions.Options;

namespace PoshServer.Https;

/// <summary>
/// Binds the "Https" section. The configuration binder costs O(all keys) per list element (each element's
/// GetChildren scans every key of every provider), so 10,000 <see cref="HttpsOptions.Certificates"/> entries took
/// 9 s of start-up on two cores; here the list is read with one scan and direct key lookups.
/// </summary>
internal sealed class HttpsOptionsSetup(IConfiguration configuration) : IConfigureOptions<HttpsOptions>
{
    public void Configure(HttpsOptions options)
    {
        var section = configuration.GetSection(HttpsOptions.Section);
        options.Address = section.GetValue(nameof(HttpsOptions.Address), options.Address)!;
        options.Port = section.GetValue(nameof(HttpsOptions.Port), options.Port);
        options.HttpPort = section.GetValue(nameof(HttpsOptions.HttpPort), options.HttpPort);
        options.PublicPort = section.GetValue(nameof(HttpsOptions.PublicPort), options.PublicPort);
        options.UnknownSni = section.GetValue(nameof(HttpsOptions.UnknownSni), options.UnknownSni);
        options.HandshakeTimeout = section.GetValue(nameof(HttpsOptions.HandshakeTimeout), options.HandshakeTimeout);
        options.KeepAliveTimeout = section.GetValue(nameof(HttpsOptions.KeepAliveTimeout), options.KeepAliveTimeout);
        options.MaxConnections = section.GetValue(nameof(HttpsOptions.MaxConnections), options.MaxConnections);
        options.ReleaseIdleTlsBuffers = section.GetValue(nameof(HttpsOptions.ReleaseIdleTlsBuffers), options.ReleaseIdleTlsBuffers);
        options.MemoryReclaimConnectionDrop = section.GetValue(nameof(HttpsOptions.MemoryReclaimConnectionDrop), options.MemoryReclaimConnectionDrop);
        options.MemoryReclaimInterval = section.GetValue(nameof(HttpsOptions.MemoryReclaimInterval), options.MemoryReclaimInterval);

        var certificates = section.GetSection(nameof(HttpsOptions.Certificates)).GetChildren()
            .Select(child => (Index: int.TryParse(child.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : int.MaxValue, Section: child))
            .OrderBy(child => child.Index)
            .ToList();
        foreach (var (_, child) in certificates)
        {
            var file = new HttpsCertificateFileOptions
            {
                CertificateFile = child[nameof(HttpsCertificateFileOptions.CertificateFile)] ?? string.Empty,
                KeyFile = child[nameof(HttpsCertificateFileOptions.KeyFile)] ?? string.Empty,
            };
            for (var i = 0; child[$"{nameof(HttpsCertificateFileOptions.HostNames)}:{i}"] is { } name; i++)
            {
                file.HostNames.Add(name);
            }

            options.Certificates.Add(file);
        }
    }
}
