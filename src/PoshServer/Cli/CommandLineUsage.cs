using System.CommandLine;

namespace PoshServer.Cli;

/// <summary>
/// What the parser leaves over: commands that take configuration keys (<c>serve</c> and those that build the server's
/// services) accept <c>--Section:Key=value</c>, <c>--Section:Key value</c> and <c>Section:Key=value</c>, as .NET's
/// command-line configuration provider reads them. Anything else (a typo of a command or an option, a stray word)
/// is a usage error with a suggestion, rather than a server started or an option silently ignored.
/// </summary>
internal static class CommandLineUsage
{
    // Keys without a section that the web host itself reads from the command line.
    private static readonly string[] s_hostKeys = ["environment", "applicationName"];

    /// <summary>The first problem with the command line, or null when it can run.</summary>
    public static string? FindProblem(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var tokens = parseResult.UnmatchedTokens;
        var acceptsConfiguration = !command.TreatUnmatchedTokensAsErrors;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (acceptsConfiguration && IsConfigurationKey(token, out var valueFollows))
            {
                if (valueFollows)
                {
                    i++;
                    if (i == tokens.Count)
                    {
                        return $"'{token}' needs a value: write {token}=<value>.";
                    }
                }

                continue;
            }

            return Describe(command, token);
        }

        if (parseResult.Errors.Count > 0)
        {
            return string.Join(Environment.NewLine, parseResult.Errors.Select(e => e.Message)) + Environment.NewLine + HelpHint(command);
        }

        return null;
    }

    /// <summary>
    /// An optional argument's value, or null when the parser gave it a configuration key that followed the command
    /// (<c>tenants check --Tenants:Directory=/x</c>: the key is configuration, not the tenant).
    /// </summary>
    public static string? ArgumentValue(string? value) => value is not null && IsConfigurationKey(value, out _) ? null : value;

    /// <summary>True for a configuration key; <paramref name="valueFollows"/> when its value is the next token.</summary>
    public static bool IsConfigurationKey(string token, out bool valueFollows)
    {
        valueFollows = false;
        var prefixed = token.StartsWith("--", StringComparison.Ordinal) || token.StartsWith('/');
        var text = token.StartsWith("--", StringComparison.Ordinal) ? token[2..] : token.StartsWith('/') ? token[1..] : token;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var key = equals < 0 ? text : text[..equals];
        if (key.Length == 0 || (equals < 0 && !prefixed))
        {
            return false;
        }

        var isKey = key.Contains(':', StringComparison.Ordinal) && !key.StartsWith(':') && !key.EndsWith(':')
            || s_hostKeys.Contains(key, StringComparer.OrdinalIgnoreCase);
        valueFollows = isKey && equals < 0;
        return isKey;
    }

    private static string Describe(Command command, string token)
    {
        if (token.StartsWith('-'))
        {
            var options = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
            var option = Suggest(token.Split('=', 2)[0], options);
            return $"Unknown option '{token}' for '{command.Name}'.{(option is null ? string.Empty : $" Did you mean '{option}'?")} Configuration keys are written --Section:Key=value. {HelpHint(command)}";
        }

        var subcommand = Suggest(token, command.Subcommands.Select(c => c.Name));
        return $"Unknown command or argument '{token}' for '{command.Name}'.{(subcommand is null ? string.Empty : $" Did you mean '{subcommand}'?")} {HelpHint(command)}";
    }

    private static string HelpHint(Command command) =>
        command is RootCommand ? "Run with --help for the commands." : $"Run '{command.Name} --help' for its options.";

    /// <summary>The closest candidate within a few edits (or one the token starts), else null.</summary>
    public static string? Suggest(string token, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal))
        {
            var distance = Distance(token.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best is not null && (bestDistance <= Math.Max(2, token.Length / 3) || best.StartsWith(token, StringComparison.OrdinalIgnoreCase)) ? best : null;
    }

    // Optimal string alignment distance: transpositions ("exprot") count as one edit.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
