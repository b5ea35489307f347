namespace PoshServer.Cli;

/// <summary>One problem that stops <c>serve</c> from starting: its kind (as the exit code it leads to) and one line with the fix.</summary>
internal sealed record StartupProblem(int ExitCode, string Message)
{
    // The order in which kinds decide the exit code when several are found: the configuration usually explains the rest.
    private static readonly int[] s_precedence = [ExitCodes.InvalidConfiguration, ExitCodes.CertificateProblem, ExitCodes.InvalidTenants, ExitCodes.BindFailed];

    public string Kind => ExitCode switch
    {
        ExitCodes.InvalidConfiguration => "configuration",
        ExitCodes.CertificateProblem => "certificate",
        ExitCodes.InvalidTenants => "tenants",
        ExitCodes.BindFailed => "bind",
        _ => "other",
    };

    /// <summary>The exit code for a set of problems: that of the first kind in <see cref="ExitCodes"/>' documented order.</summary>
    public static int ExitCodeOf(IReadOnlyCollection<StartupProblem> problems) =>
        s_precedence.FirstOrDefault(code => problems.Any(p => p.ExitCode == code), problems.Count == 0 ? ExitCodes.Success : problems.First().ExitCode);

    public override string ToString() => $"[{Kind}] {Message}";
}
