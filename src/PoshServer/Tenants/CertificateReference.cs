namespace PoshServer.Tenants;

/// <summary>A certificate file named in a YAML file: the resolved path, and where it was written for messages.</summary>
internal sealed record CertificateReference(string Path, int Line, int Column);
