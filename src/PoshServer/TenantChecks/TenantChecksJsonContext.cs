using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoshServer.TenantChecks;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<TenantCheckResult>))]
[JsonSerializable(typeof(TenantCheckRound))]
internal sealed partial class TenantChecksJsonContext : JsonSerializerContext;
