using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PoshServer.Https;

/// <summary>
/// Sets OpenSSL's SSL_MODE_RELEASE_BUFFERS on the connection behind an authenticated SslStream (issue 13, item 7).
/// Without it each TLS connection keeps a read and a write record buffer of ~17 KB each for its whole life, idle or
/// not: 10,000 idle connections held ~340 MB of native memory. nginx, HAProxy and Python's ssl module set the mode on
/// every connection; .NET's OpenSSL shim does not, and SslStream does not expose its SSL handle, so it is reached
/// through SslStream's private field _securityContext: on .NET 10 for Unix that is the SafeSslHandle itself (it derives
/// from SafeDeleteSslContext; earlier runtimes wrapped it in a field, also looked for). When neither is found (another
/// runtime version or platform), <see cref="IsSupported"/> is false and nothing is changed.
/// </summary>
internal static class TlsBufferRelease
{
    // ssl.h: SSL_set_mode(s, m) is SSL_ctrl(s, SSL_CTRL_MODE, m, NULL), which ORs m into the connection's modes.
    private const int SslCtrlMode = 33;
    private const nint SslModeReleaseBuffers = 0x10;
    private const string SafeSslHandle = "SafeSslHandle";

    private static readonly Lazy<Accessors?> s_accessors = new(CreateAccessors);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint SslCtrl(nint ssl, int command, nint larg, nint parg);

    /// <summary>Whether the SSL handle and SSL_ctrl were found (Linux with OpenSSL and the expected SslStream internals).</summary>
    public static bool IsSupported => s_accessors.Value is not null;

    /// <summary>Sets the mode on the stream's connection; false when not supported or the stream has no SSL handle yet.</summary>
    public static bool TryApply(SslStream stream)
    {
        if (s_accessors.Value is not { } accessors
            || accessors.SecurityContext.GetValue(stream) is not { } context
            || (accessors.SslHandle is null ? context : accessors.SslHandle.GetValue(context)) is not SafeHandle handle
            || !string.Equals(handle.GetType().Name, SafeSslHandle, StringComparison.Ordinal)
            || handle.IsInvalid)
        {
            return false;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var modes = accessors.Ctrl(handle.DangerousGetHandle(), SslCtrlMode, SslModeReleaseBuffers, 0);
            return (modes & SslModeReleaseBuffers) != 0;
        }
        catch (ObjectDisposedException)
        {
            return false; // the connection closed under us: nothing left to release
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static Accessors? CreateAccessors()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        var securityContext = typeof(SslStream).GetField("_securityContext", Instance);
        if (securityContext is null || !typeof(SafeHandle).IsAssignableFrom(securityContext.FieldType))
        {
            return null;
        }

        // null: the context is the SSL handle (checked per stream by its type name).
        var sslHandle = securityContext.FieldType.GetFields(Instance)
            .FirstOrDefault(field => string.Equals(field.FieldType.Name, SafeSslHandle, StringComparison.Ordinal));

        // The same libssl the runtime's shim loaded (it prefers OpenSSL 3): dlopen returns the already-loaded library.
        foreach (var name in (string[])["libssl.so.3", "libssl.so.1.1"])
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "SSL_ctrl", out var ctrl))
            {
                return new Accessors(securityContext, sslHandle, Marshal.GetDelegateForFunctionPointer<SslCtrl>(ctrl));
            }
        }

        return null;
    }

    private sealed record Accessors(FieldInfo SecurityContext, FieldInfo? SslHandle, SslCtrl Ctrl);
}
