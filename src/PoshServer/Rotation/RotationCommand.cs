using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PoshServer.Cli;

namespace PoshServer.Rotation;

/// <summary><c>certificates rotation [--json]</c>: each set's current, next, safe-at and retiring certificates.</summary>
internal static class RotationCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("rotation", "Show each certificate set's rotation: current, next, safe-at and retiring certificates.") { json };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(CliHost.WithTenants(async (parseResult, app, result, cancellationToken) =>
        {
            ImmutableArray<RotationSetStatus> previewed;
            try
            {
                previewed = await app.Services.GetRequiredService<RotationCoordinator>().PreviewAsync(result.Snapshot, cancellationToken);
            }
            catch (PoshServer.Cluster.ClusterStoreException ex)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(ex.Message);
                return ExitCodes.InvalidConfiguration;
            }

            var statuses = previewed.Select(WithTlsa).ToList();
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize([.. statuses], RotationJsonContext.Default.ListRotationSetStatus));
            }
            else
            {
                foreach (var status in statuses)
                {
                    await output.WriteLineAsync(Describe(status));
                }
            }

            return result.HasErrors ? ExitCodes.InvalidTenants : ExitCodes.Success;
        }));
        return command;
    }

    public static string Describe(RotationSetStatus status)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{status.Set}: {status.Phase} (max expires {status.MaxExpires} s, margin {Duration(status.Margin)}{(status.Automatic ? ", automatic switch" : "")})\n");
        foreach (var current in status.Current)
        {
            text.Append(CultureInfo.InvariantCulture, $"  current   {current.Sha256}  {current.Subject}  expires {Format(current.NotAfter)}\n");
        }

        if (status.Next is { } next)
        {
            text.Append(CultureInfo.InvariantCulture, $"  next      {next.Sha256}  {next.Subject}  published {Format(next.FirstPublished)}  safe to deploy at {Format(status.SafeAt)}\n");
            if (status.NextTlsa is { } tlsa)
            {
                text.Append(CultureInfo.InvariantCulture, $"  tlsa      _<port>._tcp.<xmpp host>. {status.TlsaTtl?.TotalSeconds:0} IN TLSA {tlsa}  (publish now; safe-at counts its TTL)\n");
            }
        }

        foreach (var retiring in status.Retiring)
        {
            text.Append(CultureInfo.InvariantCulture, $"  retiring  {retiring.Sha256}  {retiring.Subject}  retired at {Format(retiring.RetireAt)}\n");
        }

        if (status.LastSwitch is { } last)
        {
            text.Append(CultureInfo.InvariantCulture, $"  last switch {Format(last.At)}{(last.Replica is { } replica ? $" by {replica}" : "")}: {(last.Succeeded ? "ok" : "FAILED")}: {last.Message}\n");
        }

        if (status.Note is { } note)
        {
            text.Append(CultureInfo.InvariantCulture, $"  note: {note}\n");
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>With DANE on, the next key's 3 1 1 record, read from the next certificate's file.</summary>
    internal static RotationSetStatus WithTlsa(RotationSetStatus status)
    {
        if (status.TlsaTtl is null || status.Next is not { } next)
        {
            return status;
        }

        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(next.Path);
            var tlsa = PoshClient.Dane.TlsaRecords.DaneEeSpkiSha256(certificates[0]).ToString();
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            return status with { NextTlsa = tlsa };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return status with { Note = status.Note ?? $"cannot read {next.Path} for its TLSA record: {ex.Message}" };
        }
    }

    /// <summary>Whole minutes as minutes; anything else (10 s, 90 s) in exact seconds, so a short margin never reads as 0.</summary>
    public static string Duration(TimeSpan value) =>
        value >= TimeSpan.FromMinutes(1) && value.Ticks % TimeSpan.TicksPerMinute == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)value.TotalMinutes} min")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###} s");

    public static string Format(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
}
