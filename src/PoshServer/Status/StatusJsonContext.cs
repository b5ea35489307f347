using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoshServer.Status;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
