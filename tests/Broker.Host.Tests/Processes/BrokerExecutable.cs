using System.Diagnostics;

namespace Broker.Host.Tests.Processes;

/// <summary>How the tests run the built broker as operators do: <c>dotnet broker.dll ...</c> from the test output directory.</summary>
internal static class BrokerExecutable
{
    /// <summary>Output redirected; no <c>BROKER_*</c> variable of whoever runs the tests reaches the child.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var broker = Path.Combine(AppContext.BaseDirectory, "broker.dll");
        Xunit.Assert.True(File.Exists(broker), $"{broker} not found; the test project references src/Broker.Host");
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(broker);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("BROKER_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        return start;
    }

    /// <summary>The muxer running these tests when it is one (dotnet test), so the child uses the same SDK install.</summary>
    private static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
