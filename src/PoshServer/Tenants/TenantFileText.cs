using System.Text;

namespace PoshServer.Tenants;

/// <summary>Reads a YAML file as UTF-8 text, bounded in size; I/O failures are told apart from bad content.</summary>
internal static class TenantFileText
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The text, or the reason it cannot be used. <paramref name="transient"/> is true for I/O errors (permissions, a
    /// file being replaced): the next try may succeed, so the load is retried without waiting for a change.
    /// </summary>
    public static string? Read(string path, TenantFileStamp stamp, int maxBytes, out string? error, out bool transient)
    {
        transient = false;
        if (stamp.Length > maxBytes)
        {
            error = $"the file is {stamp.Length} bytes; tenant files are limited to {maxBytes} bytes";
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            transient = true;
            error = $"the file cannot be read: {ex.Message}";
            return null;
        }

        if (bytes.Length > maxBytes)
        {
            error = $"the file is {bytes.Length} bytes; tenant files are limited to {maxBytes} bytes";
            return null;
        }

        if (!TryDecode(bytes, out var text))
        {
            error = "the file is not valid UTF-8 text";
            return null;
        }

        error = null;
        return text;
    }

    /// <summary>The stamp of a file, following links; null when it cannot be examined.</summary>
    public static TenantFileStamp? StampOf(string path, out string? error, out bool transient)
    {
        try
        {
            var info = new FileInfo(path);
            info.Refresh();
            if (!info.Exists)
            {
                error = "the file does not exist";
                transient = false;
                return null;
            }

            error = null;
            transient = false;
            return TenantFileStamp.Of(info);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"the file cannot be read: {ex.Message}";
            transient = true;
            return null;
        }
    }

    private static bool TryDecode(byte[] bytes, out string text)
    {
        try
        {
            text = s_strictUtf8.GetString(bytes);
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                return false;
            }

            text = text.TrimStart('\uFEFF');
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }
}
