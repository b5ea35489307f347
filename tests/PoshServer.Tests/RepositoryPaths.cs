namespace PoshServer.Tests;

/// <summary>Files of the repository the tests check (examples, schema), found from the test's output directory.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PoshServer.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("PoshServer.sln not found above " + AppContext.BaseDirectory);
    }
}
