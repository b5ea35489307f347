using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoshServer.FailureReports;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FailureReport))]
internal sealed partial class FailureReportJsonContext : JsonSerializerContext;
