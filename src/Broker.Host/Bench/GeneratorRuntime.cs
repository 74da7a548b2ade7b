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
/// <item>Thread-pool workers do not spin before they sleep: with inline completions the pool only runs timers and
/// the pacer, and the spin (sched_yield in a loop after every short work item) was a fifth of the generator's CPU
/// against a broker that trickles messages.</item>
/// </list>
/// An environment variable the user set wins over both. Only a process started as <c>broker bench</c> is configured:
/// a test calling the command in a process that also hosts a broker leaves its runtime as it is.
/// </summary>
public static class GeneratorRuntime
{
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    public const string SpinLimitVariable = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";
    private const string SpinLimitSetting = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    public static void ConfigureIfProcessIsBench()
    {
        var argv = Environment.GetCommandLineArgs();
        if (argv.Length < 2 || argv[1] != "bench")
            return;
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        if (Environment.GetEnvironmentVariable(SpinLimitVariable) is null && AppContext.GetData(SpinLimitSetting) is null)
            AppContext.SetData(SpinLimitSetting, 0);
    }
}
