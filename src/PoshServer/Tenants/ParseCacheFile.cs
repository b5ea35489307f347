using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PoshClient.Documents;

namespace PoshServer.Tenants;

/// <summary>
/// The file <see cref="TenantParseCache"/> keeps: every tenant file's parse result with its stamp, so that a restart
/// reads and parses only the files that changed while the server was down. Binary, written whole to a temporary
/// file and renamed into place; a SHA-256 of the payload in the header rejects a torn or damaged file, and the
/// fingerprint (this build and every option the parser reads) rejects one written by another version or for
/// other settings. Any of these reads as "no cache": the load then reads every file, as without one.
/// </summary>
internal static class ParseCacheFile
{
    private static ReadOnlySpan<byte> Magic => "PoshServer tenant parse cache\n"u8;
    private const int FormatVersion = 2;

    private const byte HasTenant = 1;
    private const byte SourceIsDisplay = 2;
    private const byte HasDescription = 4;
    private const byte Disabled = 8;
    private const byte Acme = 16;

    /// <summary>What a cache must have been written for: this build of the parser and the options it reads.</summary>
    public static string Fingerprint(TenantsOptions options) => string.Join(
        '\n',
        typeof(TenantFileParser).Module.ModuleVersionId.ToString(),
        typeof(PoshService).Module.ModuleVersionId.ToString(),
        options.ResolveDirectory(),
        options.Directory,
        options.CertificateSetsFile,
        options.DefaultCertificateSet,
        options.DefaultExpires.ToString(CultureInfo.InvariantCulture),
        options.DefaultReferenceExpires.ToString(CultureInfo.InvariantCulture),
        options.MaxFileBytes.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Writes <paramref name="files"/> to <paramref name="path"/> atomically, streaming (1,000,000 results are ~80 MB:
    /// nothing of that size is held in memory); returns how many were written.
    /// </summary>
    public static int Write(string path, string fingerprint, TenantsOptions options, IEnumerable<RememberedTenantFile> files, Action? step = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var count = 0;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16))
            {
                using var header = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                header.Write(Magic);
                header.Write(FormatVersion);
                header.Write(fingerprint);
                // The count, the payload's length and its hash are known at the end: written then, here.
                var countAt = stream.Position;
                header.Write(0);
                header.Write(0L);
                header.Write(new byte[SHA256.HashSizeInBytes]);
                header.Flush();
                var payloadAt = stream.Position;

                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                using (var payload = new BinaryWriter(new BufferedStream(new HashingStream(stream, hash), 1 << 16), Encoding.UTF8))
                {
                    foreach (var file in files)
                    {
                        WriteFile(payload, file, options);
                        count++;
                        step?.Invoke();
                    }
                }

                var length = stream.Position - payloadAt;
                stream.Position = countAt;
                header.Write(count);
                header.Write(length);
                header.Write(hash.GetHashAndReset());
                header.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return count;
    }

    /// <summary>
    /// The files in the cache at <paramref name="path"/>, or null with the reason it cannot be used (missing,
    /// another version or other settings, damaged).
    /// </summary>
    public static List<RememberedTenantFile>? Read(string path, string fingerprint, TenantsOptions options, out string? problem)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        }
        catch (FileNotFoundException)
        {
            problem = "there is none yet";
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            problem = "there is none yet";
            return null;
        }

        using (stream)
        {
            try
            {
                using var header = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
                Span<byte> magic = stackalloc byte[Magic.Length];
                if (stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || !magic.SequenceEqual(Magic) || header.ReadInt32() != FormatVersion)
                {
                    problem = "it is not a parse cache of this format";
                    return null;
                }

                if (!string.Equals(header.ReadString(), fingerprint, StringComparison.Ordinal))
                {
                    problem = "it was written by another build or for other tenant settings";
                    return null;
                }

                var count = header.ReadInt32();
                var length = header.ReadInt64();
                var expected = header.ReadBytes(SHA256.HashSizeInBytes);
                if (count < 0 || length < 0 || length > stream.Length - stream.Position)
                {
                    problem = "it is truncated";
                    return null;
                }

                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                using var payload = new BufferedStream(new HashingStream(stream, hash, length), 1 << 16);
                using var reader = new BinaryReader(payload, Encoding.UTF8);
                var files = ReadFiles(reader, count, options);
                if (payload.ReadByte() != -1 || !hash.GetHashAndReset().AsSpan().SequenceEqual(expected))
                {
                    problem = "it is damaged (checksum mismatch)";
                    return null;
                }

                problem = null;
                return files;
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or FormatException or InvalidDataException or ArgumentException or OverflowException or UnauthorizedAccessException)
            {
                problem = $"it cannot be read: {ex.Message}";
                return null;
            }
        }
    }

    private static void WriteFile(BinaryWriter writer, RememberedTenantFile file, TenantsOptions options)
    {
        var parsed = file.Parsed;
        var tenant = parsed.Tenant;
        byte flags = 0;
        if (tenant is not null)
        {
            flags |= HasTenant;
            flags |= string.Equals(tenant.SourceDirectory, options.Directory, StringComparison.Ordinal) && string.Equals(tenant.SourceName, file.Name, StringComparison.Ordinal) ? SourceIsDisplay : (byte)0;
            flags |= tenant.Description is not null ? HasDescription : (byte)0;
            flags |= tenant.Disabled ? Disabled : (byte)0;
            flags |= tenant.Acme ? Acme : (byte)0;
        }

        writer.Write(file.Name);
        writer.Write(file.Stamp.Length);
        writer.Write(file.Stamp.Written.Ticks);
        writer.Write(flags);
        writer.Write7BitEncodedInt(parsed.Positions.Domain.Line);
        writer.Write7BitEncodedInt(parsed.Positions.Domain.Column);
        writer.Write7BitEncodedInt(parsed.Positions.CertificateSet.Line);
        writer.Write7BitEncodedInt(parsed.Positions.CertificateSet.Column);
        if (tenant is not null)
        {
            writer.Write(tenant.Domain);
            if ((flags & SourceIsDisplay) == 0)
            {
                writer.Write(tenant.SourceDirectory);
                writer.Write(tenant.SourceName);
            }

            if (tenant.Description is { } description)
            {
                writer.Write(description);
            }

            writer.Write(tenant.CertificateSet);
            writer.Write7BitEncodedInt(tenant.Services.Length);
            foreach (var service in tenant.Services)
            {
                writer.Write7BitEncodedInt((int)service);
            }

            writer.Write7BitEncodedInt64(tenant.Expires);
            writer.Write7BitEncodedInt64(tenant.ReferenceExpires);
            writer.Write7BitEncodedInt(tenant.ExtraCertificates.Length);
            foreach (var certificate in tenant.ExtraCertificates)
            {
                writer.Write(certificate.Path);
                writer.Write7BitEncodedInt(certificate.Line);
                writer.Write7BitEncodedInt(certificate.Column);
            }
        }

        writer.Write7BitEncodedInt(parsed.Diagnostics.Length);
        foreach (var diagnostic in parsed.Diagnostics)
        {
            writer.Write(diagnostic.File);
            writer.Write7BitEncodedInt(diagnostic.Line);
            writer.Write7BitEncodedInt(diagnostic.Column);
            writer.Write((byte)diagnostic.Severity);
            writer.Write(diagnostic.Message);
            writer.Write(diagnostic.Hint);
            writer.Write(diagnostic.Transient);
        }
    }

    private static List<RememberedTenantFile> ReadFiles(BinaryReader reader, int count, TenantsOptions options)
    {
        var files = new List<RememberedTenantFile>(Math.Min(count, 1 << 20));
        // Values most tenants repeat are shared, as a document is: set names, service lists, the directory.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal) { [options.DefaultCertificateSet] = options.DefaultCertificateSet, [options.Directory] = options.Directory };
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var stamp = new TenantFileStamp(reader.ReadInt64(), new DateTime(reader.ReadInt64(), DateTimeKind.Utc));
            var flags = reader.ReadByte();
            var positions = new TenantFilePositions(
                (reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt()),
                (reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt()));
            Tenant? tenant = null;
            if ((flags & HasTenant) != 0)
            {
                var domain = reader.ReadString();
                var (sourceDirectory, sourceName) = (flags & SourceIsDisplay) != 0 ? (options.Directory, name) : (Shared(strings, reader.ReadString()), reader.ReadString());
                var description = (flags & HasDescription) != 0 ? reader.ReadString() : null;
                var set = Shared(strings, reader.ReadString());
                var services = TenantServices.Shared(ReadServices(reader));
                var expires = reader.Read7BitEncodedInt64();
                var referenceExpires = reader.Read7BitEncodedInt64();
                var extraCount = reader.ReadCount();
                var extras = ImmutableArray<CertificateReference>.Empty;
                if (extraCount > 0)
                {
                    var builder = ImmutableArray.CreateBuilder<CertificateReference>(extraCount);
                    for (var e = 0; e < extraCount; e++)
                    {
                        builder.Add(new CertificateReference(reader.ReadString(), reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt()));
                    }

                    extras = builder.MoveToImmutable();
                }

                tenant = new Tenant
                {
                    Domain = domain,
                    SourceDirectory = sourceDirectory,
                    SourceName = sourceName,
                    Description = description,
                    CertificateSet = set,
                    Services = services,
                    Expires = expires,
                    ReferenceExpires = referenceExpires,
                    ExtraCertificates = extras,
                    Disabled = (flags & Disabled) != 0,
                    Acme = (flags & Acme) != 0,
                };
            }

            var diagnosticCount = reader.ReadCount();
            var diagnostics = ImmutableArray<TenantDiagnostic>.Empty;
            if (diagnosticCount > 0)
            {
                var builder = ImmutableArray.CreateBuilder<TenantDiagnostic>(diagnosticCount);
                for (var d = 0; d < diagnosticCount; d++)
                {
                    builder.Add(new TenantDiagnostic
                    {
                        File = reader.ReadString(),
                        Line = reader.Read7BitEncodedInt(),
                        Column = reader.Read7BitEncodedInt(),
                        Severity = reader.ReadByte() switch
                        {
                            (byte)TenantDiagnosticSeverity.Error => TenantDiagnosticSeverity.Error,
                            (byte)TenantDiagnosticSeverity.Warning => TenantDiagnosticSeverity.Warning,
                            var other => throw new InvalidDataException($"unknown severity {other}"),
                        },
                        Message = reader.ReadString(),
                        Hint = reader.ReadString(),
                        Transient = reader.ReadBoolean(),
                    });
                }

                diagnostics = builder.MoveToImmutable();
            }

            files.Add(new RememberedTenantFile(name, stamp, new ParsedTenantFile(tenant, diagnostics, positions, Transient: false)));
        }

        return files;
    }

    private static ImmutableArray<PoshService> ReadServices(BinaryReader reader)
    {
        var count = reader.ReadCount();
        var services = ImmutableArray.CreateBuilder<PoshService>(count);
        for (var s = 0; s < count; s++)
        {
            var value = reader.Read7BitEncodedInt();
            services.Add(Enum.IsDefined((PoshService)value) ? (PoshService)value : throw new InvalidDataException($"unknown service {value}"));
        }

        return services.MoveToImmutable();
    }

    private static string Shared(Dictionary<string, string> strings, string value)
    {
        if (strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        strings[value] = value;
        return value;
    }

    private static int ReadCount(this BinaryReader reader)
    {
        var count = reader.Read7BitEncodedInt();
        return count is >= 0 and <= 1 << 20 ? count : throw new InvalidDataException($"implausible count {count}");
    }
}
