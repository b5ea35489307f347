using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoshServer.Cluster;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReplicaHeartbeat))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
