using BenchmarkDotNet.Running;

// `-- --filter '*'` runs everything; `-- --filter '*' --job short` is the quick smoke run.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>The entry point.</summary>
internal sealed partial class Program;
