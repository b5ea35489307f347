using Microsoft.Extensions.Options;

namespace PoshServer.Cluster;

/// <summary>Checks every cluster setting at start and reports all problems at once.</summary>
internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(options.ReplicaName) || options.ReplicaName.Length > 200)
        {
            builder.AddError("must be 1-200 characters", "Cluster:ReplicaName");
        }

        Range(builder, "Cluster:LockTtl", options.LockTtl, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10));
        Range(builder, "Cluster:PollInterval", options.PollInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Range(builder, "Cluster:HeartbeatInterval", options.HeartbeatInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Range(builder, "Cluster:ReplicaTimeout", options.ReplicaTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (options.Store == ClusterStoreKind.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                builder.AddError("is required with Cluster:Store=postgresql", "Cluster:ConnectionString");
            }

            if (options.EncryptionKey is null)
            {
                builder.AddError("is required with Cluster:Store=postgresql (base64 of 32 random bytes: openssl rand -base64 32)", "Cluster:EncryptionKey");
            }
            else if (!ClusterSecretProtector.IsValidKey(options.EncryptionKey))
            {
                builder.AddError("must be base64 of exactly 32 bytes (openssl rand -base64 32)", "Cluster:EncryptionKey");
            }

            for (var i = 0; i < options.PreviousEncryptionKeys.Count; i++)
            {
                if (!ClusterSecretProtector.IsValidKey(options.PreviousEncryptionKeys[i]))
                {
                    builder.AddError("must be base64 of exactly 32 bytes", $"Cluster:PreviousEncryptionKeys:{i}");
                }
            }
        }

        return builder.Build();
    }

    private static void Range(ValidateOptionsResultBuilder builder, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            builder.AddError($"must be between {min} and {max}", name);
        }
    }
}
