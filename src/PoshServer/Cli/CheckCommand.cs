using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshClient.Xmpp;
using PoshServer.Lookups;

namespace PoshServer.Cli;

/// <summary>
/// <c>check &lt;domain&gt;</c>: the real handshake a peer would do (SRV, TCP, STARTTLS or direct TLS; DANE, PKIX, then
/// POSH), printed step by step for an operator at 3 a.m., with each DNS answer's DNSSEC status and the DANE decision.
/// Exit code 0 when the certificate is accepted for the domain, <see cref="ExitCodes.CheckFailed"/> otherwise.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var domain = new Argument<string>("domain") { Description = "The XMPP domain to connect to and authenticate." };
        var service = new Option<string>("--service") { Description = "xmpp-client (c2s, default) or xmpp-server (s2s).", DefaultValueFactory = _ => PoshServiceNames.XmppClient };
        service.AcceptOnlyFromAmong(PoshServiceNames.XmppClient, PoshServiceNames.XmppServer);
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var dnsServers = new Option<string[]>("--dns-server") { Description = "DNS server (ip or ip:port) for SRV, addresses and the POSH web servers; repeatable. Default: /etc/resolv.conf.", AllowMultipleArgumentsPerToken = false };
        var trust = new Option<string?>("--trust") { Description = "PEM file of root certificates to trust instead of the system store (private deployments, test worlds)." };
        var host = new Option<string?>("--host") { Description = "Connect to this host instead of using SRV (RFC 6120 §3.2.3); the certificate is still checked for the domain." };
        var port = new Option<int?>("--port") { Description = "Port with --host." };
        var directTls = new Option<bool>("--direct-tls") { Description = "With --host: TLS from the first byte (XEP-0368) instead of STARTTLS." };
        var from = new Option<string?>("--from") { Description = "s2s: the sending domain put in the stream header's 'from'." };
        var trustAd = new Option<string[]>("--trust-ad-from") { Description = "Believe the AD bit (DNSSEC) of this validating resolver's address; repeatable. Loopback resolvers are always believed.", AllowMultipleArgumentsPerToken = false };
        var command = new Command("check", "Connect to an XMPP domain as a peer would and explain how its certificate is (or is not) authenticated.")
        {
            domain, service, json, dnsServers, trust, host, port, directTls, from, trustAd,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (!PoshServiceNames.TryParse(parseResult.GetValue(service), out var parsedService))
            {
                return ExitCodes.InvalidConfiguration;
            }

            // The same settings as the server's "PoshClient" section, so a value is checked the same way.
            var lookups = new LookupOptions
            {
                DnsServers = [.. parseResult.GetValue(dnsServers) ?? []],
                TrustedRoots = parseResult.GetValue(trust),
                DnssecTrustedResolvers = [.. parseResult.GetValue(trustAd) ?? []],
            };
            var lookupErrors = lookups.ApplyTo(new PoshClient.PoshClientOptions());
            if (lookupErrors.Count > 0)
            {
                foreach (var lookupError in lookupErrors)
                {
                    await error.WriteLineAsync(lookupError);
                }

                return ExitCodes.InvalidConfiguration;
            }

            var services = new ServiceCollection().AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            services.AddPoshClient(options => lookups.ApplyTo(options));
            await using var provider = services.BuildServiceProvider();
            var connector = provider.GetRequiredService<XmppConnector>();
            var target = parseResult.GetValue(domain)!;
            var connectOptions = new XmppConnectOptions
            {
                Host = parseResult.GetValue(host),
                Port = parseResult.GetValue(port),
                DirectTls = parseResult.GetValue(directTls),
                From = parseResult.GetValue(from),
            };
            var result = await connector.ConnectAsync(target, parsedService.Value, connectOptions, cancellationToken);
            await using (result.Connection)
            {
                // The lookup ran in parallel with DNS during the connect; this reads it from the cache for the report.
                var lookup = await provider.GetRequiredService<PoshVerifier>().LookupAsync(target, parsedService.Value, cancellationToken);
                var report = CheckReport.From(result, lookup);
                if (parseResult.GetValue(json))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(report, CliJsonContext.Default.CheckReport));
                }
                else
                {
                    await output.WriteAsync(Render(report));
                }

                return report.Accepted ? ExitCodes.Success : ExitCodes.CheckFailed;
            }
        });
        return command;
    }

    private static string WithoutPrefix(string text, string prefix) =>
        text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text;

    private static string Render(CheckReport report)
    {
        var text = new System.Text.StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"Checking {report.Domain} ({report.Service})").AppendLine();
        text.AppendLine("Steps:");
        foreach (var step in report.Steps)
        {
            text.AppendLine(culture, $"  [{(step.Succeeded ? " ok " : "FAIL")}] +{step.StartedMs,6:0}ms {step.DurationMs,6:0}ms  {step.Name}: {step.Detail}");
        }

        text.AppendLine().AppendLine("DNSSEC:");
        foreach (var step in report.Steps.Where(s => s.Dnssec is not null))
        {
            var query = step.Detail.Split(':', 2)[0];
            text.AppendLine(culture, $"  {step.Dnssec,-13} {query}");
        }

        text.AppendLine().AppendLine("Endpoints tried:");
        foreach (var attempt in report.Attempts)
        {
            text.AppendLine(culture, $"  {attempt.Endpoint} {attempt.Address ?? "-"}: {attempt.Status}{(attempt.Error is null ? string.Empty : " — " + attempt.Error)}");
        }

        if (report.Certificate is { } certificate)
        {
            text.AppendLine().AppendLine("Certificate presented:")
                .AppendLine(culture, $"  subject  {certificate.Subject}")
                .AppendLine(culture, $"  issuer   {certificate.Issuer}")
                .AppendLine(culture, $"  names    {string.Join(", ", certificate.DnsNames)}")
                .AppendLine(culture, $"  valid    {certificate.NotBefore:u} .. {certificate.NotAfter:u}")
                .AppendLine(culture, $"  sha-256  {certificate.Sha256}");
        }

        text.AppendLine().AppendLine("POSH documents:");
        foreach (var fetch in report.PoshFetches)
        {
            text.AppendLine(culture, $"  GET {fetch.Url} → {fetch.Status?.ToString(culture) ?? "-"} {fetch.Outcome}");
        }

        foreach (var fingerprint in report.PublishedSha256)
        {
            text.AppendLine(culture, $"  published sha-256 {fingerprint}{(string.Equals(report.Certificate?.Sha256, fingerprint, StringComparison.Ordinal) ? "   ← matches the presented certificate" : string.Empty)}");
        }

        text.AppendLine(culture, $"  lookup: {report.PoshLookup}");
        text.AppendLine();
        if (report.Dane is { } dane)
        {
            text.AppendLine(culture, $"DANE: {dane.Outcome} — {dane.Reason}");
            if (dane.MatchedRecord is not null)
            {
                text.AppendLine(culture, $"  matched TLSA {dane.MatchedRecord}");
            }
        }

        if (report.Pkix is not null)
        {
            text.AppendLine(culture, $"PKIX: {WithoutPrefix(report.Pkix, "PKIX: ")}");
        }

        if (report.Posh is not null)
        {
            text.AppendLine(culture, $"POSH: {WithoutPrefix(report.Posh, "POSH: ")}");
        }

        text.AppendLine().AppendLine(culture, $"Verdict: {(report.Accepted ? "ACCEPTED" : "REJECTED")} ({report.ProofType}) — {report.Reason}");
        return text.ToString();
    }
}
