using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoshServer.Rotation;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(RotationState))]
[JsonSerializable(typeof(RotationSwitchOutcome))]
[JsonSerializable(typeof(RotationReplicaPublications))]
[JsonSerializable(typeof(List<RotationSetStatus>))]
internal sealed partial class RotationJsonContext : JsonSerializerContext;
