using Microsoft.Extensions.Options;

namespace PoshServer.Telemetry;

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint) && !TelemetryOptions.TryParseEndpoint(options.OtlpEndpoint, out _))
        {
            errors.Add($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpEndpoint)} '{options.OtlpEndpoint}' must be an absolute http:// or https:// URL without query, e.g. http://otel-collector:4318.");
        }

        if (!Enum.IsDefined(options.OtlpProtocol))
        {
            errors.Add($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpProtocol)} must be HttpProtobuf or Grpc.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            errors.Add($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.ServiceName)} must not be empty.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
