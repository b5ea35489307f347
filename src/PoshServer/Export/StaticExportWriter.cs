using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PoshServer.Export;

/// <summary>
/// Writes an export as a new version directory and then switches the <c>current</c> symlink to it with one
/// rename(2), so a web server reading files per request (nginx does) sees either the whole previous export or the
/// whole new one, never a mix. Older versions are deleted after the switch, keeping a few for requests in flight.
/// </summary>
/// <remarks>
/// Layout of the export directory:
/// <code>
/// current -> versions/&lt;version&gt;          the symlink nginx's root goes through
/// versions/&lt;version&gt;/hosts/&lt;host&gt;/&lt;path&gt;  one directory per Host, the URL path below it
/// versions/&lt;version&gt;/manifest.json         every file with its headers (for object stores and CDNs)
/// nginx/poshserver.conf                   the matching nginx configuration (include it in a server block)
/// </code>
/// </remarks>
internal sealed class StaticExportWriter(TimeProvider timeProvider)
{
    public const string CurrentLink = "current";
    public const string VersionsDirectory = "versions";
    public const string HostsDirectory = "hosts";
    public const string ManifestFile = "manifest.json";
    public const string NginxDirectory = "nginx";
    public const string NginxFile = "poshserver.conf";

    private const string PartialPrefix = ".partial-";

    // Every file's mtime is derived from its bytes, so nginx's ETag ("<mtime>-<length>" in hex) changes exactly when the
    // bytes change and is the same on every export and every web server that receives a copy, as PoshServer's ETag is.
    // 2^29 seconds after 2000-01-01 stays in the past (until January 2017).
    private static readonly DateTimeOffset s_mtimeBase = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // ETags are quoted strings: write them as they appear in headers (the manifest is read by upload scripts, not browsers).
    private static readonly JsonTypeInfo<ExportManifest> s_manifestJson = (JsonTypeInfo<ExportManifest>)new JsonSerializerOptions(ExportJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = ExportJsonContext.Default,
    }.GetTypeInfo(typeof(ExportManifest));

    public async Task<ExportResult> WriteAsync(ExportTarget target, IReadOnlyList<ExportFile> files, long generation, DateTimeOffset snapshotBuiltAt, CancellationToken cancellationToken)
    {
        var root = target.Directory;
        var versions = Path.Combine(root, VersionsDirectory);
        Directory.CreateDirectory(versions);
        var current = Path.Combine(root, CurrentLink);
        if (Directory.Exists(current) && new DirectoryInfo(current).LinkTarget is null)
        {
            throw new IOException($"{current} is a directory, not the symlink an export switches; move it away.");
        }

        var now = timeProvider.GetUtcNow();
        var version = VersionName(versions, now, generation);
        var partial = Path.Combine(versions, PartialPrefix + version);
        Directory.CreateDirectory(partial);
        var manifest = new List<ExportManifestFile>(files.Count);
        foreach (var file in files)
        {
            var relative = Path.Combine(HostsDirectory, file.Host, file.UrlPath.TrimStart('/'));
            var path = Path.Combine(partial, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, file.Body, cancellationToken);
            File.SetLastWriteTimeUtc(path, ContentTime(file.Body.Span).UtcDateTime);
            manifest.Add(new ExportManifestFile
            {
                Path = relative.Replace(Path.DirectorySeparatorChar, '/'),
                Host = file.Host,
                UrlPath = file.UrlPath,
                ContentType = file.ContentType,
                ETag = file.ETag,
                Length = file.Body.Length,
                ContentDisposition = file.ContentDisposition,
            });
        }

        var document = new ExportManifest
        {
            Generation = generation,
            SnapshotBuiltAt = snapshotBuiltAt,
            ExportedAt = now,
            CacheControl = NginxConfiguration.CacheControl,
            Files = manifest,
        };
        await File.WriteAllBytesAsync(Path.Combine(partial, ManifestFile), JsonSerializer.SerializeToUtf8Bytes(document, s_manifestJson), cancellationToken);

        // Complete before it gets its real name: a crash mid-write leaves only a ".partial-" directory, pruned next time.
        var final = Path.Combine(versions, version);
        Directory.Move(partial, final);
        await WriteAtomicallyAsync(Path.Combine(root, NginxDirectory, NginxFile), NginxConfiguration.Render(Path.Combine(target.NginxDirectory, CurrentLink, HostsDirectory)), cancellationToken);
        SwitchCurrent(root, version);
        var pruned = Prune(versions, version, target.Keep);
        return new ExportResult
        {
            Version = version,
            VersionDirectory = final,
            Generation = generation,
            FileCount = files.Count,
            HostCount = files.Select(f => f.Host).Distinct(StringComparer.Ordinal).Count(),
            Pruned = pruned,
        };
    }

    /// <summary>The mtime nginx turns into the ETag and Last-Modified: a function of the bytes only.</summary>
    public static DateTimeOffset ContentTime(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        var seconds = BinaryPrimitives.ReadUInt32BigEndian(hash) & ((1u << 29) - 1);
        return s_mtimeBase.AddSeconds(seconds);
    }

    /// <summary>A relative target, so the export directory can be mounted or synced anywhere.</summary>
    private static void SwitchCurrent(string root, string version)
    {
        var link = Path.Combine(root, CurrentLink);
        var temporary = Path.Combine(root, "." + CurrentLink + "-" + version);
        // A link left by an interrupted export (unlink(2): the link goes, never what it points at).
        File.Delete(temporary);
        File.CreateSymbolicLink(temporary, Path.Combine(VersionsDirectory, version));
        // rename(2) replaces the old link atomically: every lookup of "current" resolves to one version or the other.
        PosixRename.Replace(temporary, link);
    }

    private static string VersionName(string versions, DateTimeOffset now, long generation)
    {
        var stem = string.Create(CultureInfo.InvariantCulture, $"{now.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}-g{generation}");
        var name = stem;
        for (var i = 2; Directory.Exists(Path.Combine(versions, name)) || Directory.Exists(Path.Combine(versions, PartialPrefix + name)); i++)
        {
            name = string.Create(CultureInfo.InvariantCulture, $"{stem}-{i}");
        }

        return name;
    }

    /// <summary>Keeps the newest <paramref name="keep"/> versions (names sort by time); deletes the rest and abandoned partial ones.</summary>
    private static int Prune(string versions, string current, int keep)
    {
        var pruned = 0;
        var complete = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(versions))
        {
            var name = Path.GetFileName(directory);
            if (name.StartsWith(PartialPrefix, StringComparison.Ordinal))
            {
                Directory.Delete(directory, recursive: true);
                pruned++;
            }
            else if (!string.Equals(name, current, StringComparison.Ordinal))
            {
                complete.Add(name);
            }
        }

        foreach (var name in complete.Order(StringComparer.Ordinal).Reverse().Skip(keep - 1))
        {
            Directory.Delete(Path.Combine(versions, name), recursive: true);
            pruned++;
        }

        return pruned;
    }

    private static async Task WriteAtomicallyAsync(string path, string text, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
