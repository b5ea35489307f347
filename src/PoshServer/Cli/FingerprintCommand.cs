using System.CommandLine;
using System.Text;
using PoshClient.Documents;
using PoshServer.Certificates;

namespace PoshServer.Cli;

/// <summary><c>fingerprint &lt;cert.pem&gt;...</c>: prints the fingerprints document for certificate files.</summary>
internal static class FingerprintCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("certificate") { Description = "PEM chain (the leaf is hashed) or DER certificate files.", Arity = ArgumentArity.OneOrMore };
        var expires = new Option<long>("--expires") { Description = "The document's expires, in seconds (default 3600).", DefaultValueFactory = _ => 3600 };
        var command = new Command("fingerprint", "Print a POSH fingerprints document (RFC 7711 §3.1) for certificate files, newest first.") { files, expires };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var expiresValue = parseResult.GetValue(expires);
            if (expiresValue < 1)
            {
                await error.WriteLineAsync("--expires must be at least 1 (0 makes clients discard the document, RFC 7711 §3.1).");
                return ExitCodes.InvalidConfiguration;
            }

            var certificates = new List<PublishedCertificate>();
            foreach (var path in parseResult.GetValue(files)!)
            {
                if (!CertificateFileReader.TryRead(path, out var certificate, out var problem))
                {
                    await error.WriteLineAsync(problem);
                    return ExitCodes.NotFound;
                }

                certificates.Add(certificate);
            }

            var document = new FingerprintsDocument { Fingerprints = [.. CertificateFileReader.NewestFirst(certificates).Select(c => c.Descriptor)], Expires = expiresValue };
            await output.WriteLineAsync(Encoding.UTF8.GetString(PoshDocumentWriter.Write(document)));
            return ExitCodes.Success;
        });
        return command;
    }
}
