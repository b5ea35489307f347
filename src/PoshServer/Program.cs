using System.CommandLine;
using PoshServer.Acme;
using PoshServer.Cli;
using PoshServer.Export;
using PoshServer.Rotation;
using PoshServer.TenantChecks;

// PoshServer serves POSH documents (RFC 7711, RFC 7712) for many XMPP tenant domains.
// One executable: `serve` (the default) runs the server; the other commands help operators.
var root = new RootCommand("PoshServer: POSH (RFC 7711/7712) documents for many XMPP tenant domains.");
var serve = ServeCommand.Create();
root.Subcommands.Add(serve);
var tenants = TenantsCommand.Create();
tenants.Subcommands.Add(TenantsCheckCommand.Create());
root.Subcommands.Add(tenants);
root.Subcommands.Add(ReferenceCommand.Create());
root.Subcommands.Add(FingerprintCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
var certificates = new Command("certificates", "HTTPS certificates PoshServer obtains via ACME; rotation of the XMPP certificate sets.");
certificates.Subcommands.Add(AcmeCertificatesCommand.CreateListCommand());
certificates.Subcommands.Add(RotationCommand.Create());
root.Subcommands.Add(certificates);
root.Subcommands.Add(ExportCommand.Create());

// Without a command, serve: `PoshServer --Tenants:Directory=/etc/posh/tenants` works like `PoshServer serve ...`.
root.TreatUnmatchedTokensAsErrors = false;
root.SetAction(ServeCommand.RunAsync);

// A typo of a command or an option is a usage error with a suggestion, never a server started or an option ignored.
var parsed = root.Parse(args);
if (CommandLineUsage.FindProblem(parsed) is { } usage)
{
    await Console.Error.WriteLineAsync(usage);
    return ExitCodes.Usage;
}

return await parsed.InvokeAsync();

/// <summary>The entry point, visible to tests.</summary>
public partial class Program;
