using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoshClient.Verification;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PoshFailureReport))]
internal sealed partial class PoshClientJsonContext : JsonSerializerContext;
