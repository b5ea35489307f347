namespace PoshServer.Status;

internal static class AdminApplicationBuilderExtensions
{
    /// <summary>
    /// Composes the admin listener (<c>Admin:Enabled</c>, <c>Admin:Address</c>, <c>Admin:Port</c>): a second Kestrel that
    /// <see cref="AdminServer"/> starts with the host, with a pipeline of its own — no-store and the bearer token (when set)
    /// on every response, GET/HEAD only, then the status page, <c>/api/status</c> and <c>/metrics</c>. Nothing of the public
    /// pipeline applies to it, and its pages are never reachable on the public ports.
    /// </summary>
    public static WebApplication MapAdminListener(this WebApplication app)
    {
        var admin = app.Services.GetRequiredService<AdminServer>();
        admin.Compose(listener =>
        {
            listener.Use(admin.RequireTokenAndReadOnlyAsync);
            listener.Run(admin.ServeAsync);
        });
        return app;
    }
}
