namespace Broker.Host.Bench;

/// <summary>
/// Runtime settings of a <c>broker bench</c> process, applied by <see cref="BenchCommand"/> before the process opens
/// its first socket or queues its first thread-pool work item (both are read once, when first used). Not applied when
/// a run is started in a process that also serves (the tests), whose sockets they would change too.
/// <list type="bullet">
/// <item>Socket completions run on the socket engine's event threads instead of being queued to the thread pool:
/// a read loop's continuation (decode a batch, record it, read again) is short and never blocks, and a broker that
/// writes one message per system call (mosquitto) otherwise costs a work item, a worker wake-up and a hop per
/// message. It also takes the receive timestamp one hop closer to the socket.</item>
/// </list>
/// (Thread-pool workers not spinning before they sleep, which the generator needs too, is set for the whole
/// executable in its runtimeconfig: see Broker.Host.csproj.) An environment variable the user set wins. Only a process started as <c>broker bench</c> is configured:
/// a test calling the command in a process that also hosts a broker leaves its runtime as it is.
/// </summary>
public static class GeneratorRuntime
{
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void ConfigureIfProcessIsBench()
    {
        var argv = Environment.GetCommandLineArgs();
        if (argv.Length < 2 || argv[1] != "bench")
            return;
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
    }
}
