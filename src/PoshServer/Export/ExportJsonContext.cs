using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoshServer.Export;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExportManifest))]
internal sealed partial class ExportJsonContext : JsonSerializerContext;
