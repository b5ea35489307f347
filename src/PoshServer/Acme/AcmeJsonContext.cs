using System.Text.Json.Serialization;

namespace PoshServer.Acme;

/// <summary>Source-generated JSON for ACME resources and the stored state (no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(AcmeDirectory))]
[JsonSerializable(typeof(AcmeOrder))]
[JsonSerializable(typeof(AcmeAccount))]
[JsonSerializable(typeof(AcmeOrdersList))]
[JsonSerializable(typeof(AcmeAuthorization))]
[JsonSerializable(typeof(AcmeProblem))]
[JsonSerializable(typeof(AcmeAccountRecord))]
[JsonSerializable(typeof(AcmeNameState))]
[JsonSerializable(typeof(IReadOnlyList<AcmeNameState>))]
internal sealed partial class AcmeJsonContext : JsonSerializerContext;
