using System.CommandLine;
using PoshServer.Cli;
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
root.Subcommands.Add(new Command("certificates", "Certificate sets: rotation state.") { RotationCommand.Create() });

// Without a command, serve: `PoshServer --Tenants:Directory=/etc/posh/tenants` works like `PoshServer serve ...`.
root.TreatUnmatchedTokensAsErrors = false;
root.SetAction(ServeCommand.RunAsync);

return await root.Parse(args).InvokeAsync();

/// <summary>The entry point, visible to tests.</summary>
public partial class Program;
