using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoshServer.Cli;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ValidationReport))]
[JsonSerializable(typeof(List<TenantListItem>))]
[JsonSerializable(typeof(CheckReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
