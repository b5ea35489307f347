using System.Text.Json;

namespace PoshServer.Tests.Health;

/// <summary>Reads the overall status out of a /healthz JSON body.</summary>
internal static class HealthJson
{
    public static string? Status(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("status").GetString();
    }
}
