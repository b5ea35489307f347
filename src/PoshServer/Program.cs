using System.CommandLine;
using PoshServer.Acme;
using PoshServer.Cli;

// PoshServer serves POSH documents (RFC 7711, RFC 7712) for many XMPP tenant domains.
// One executable: `serve` (the default) runs the server; the other commands help operators.
var root = new RootCommand("PoshServer: POSH (RFC 7711/7712) documents for many XMPP tenant domains.");
var serve = ServeCommand.Create();
root.Subcommands.Add(serve);
root.Subcommands.Add(TenantsCommand.Create());
root.Subcommands.Add(ReferenceCommand.Create());
root.Subcommands.Add(FingerprintCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
var certificates = new Command("certificates", "HTTPS certificates PoshServer obtains via ACME.");
certificates.Subcommands.Add(AcmeCertificatesCommand.CreateListCommand());
root.Subcommands.Add(certificates);

// Without a command, serve: `PoshServer --Tenants:Directory=/etc/posh/tenants` works like `PoshServer serve ...`.
root.TreatUnmatchedTokensAsErrors = false;
root.SetAction(ServeCommand.RunAsync);

return await root.Parse(args).InvokeAsync();

/// <summary>The entry point, visible to tests.</summary>
public partial class Program;
