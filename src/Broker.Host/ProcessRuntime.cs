namespace Broker.Host;

/// <summary>
/// Runtime settings of every process started from the <c>broker</c> executable (serving or <c>broker bench</c>),
/// applied first thing in <c>Program</c>, before the process opens its first socket (the setting is read once, when
/// first used). Tests that host a broker in their own process keep their runtime as it is.
/// <list type="bullet">
/// <item>Socket completions run on the socket engine's event threads instead of being queued to the thread pool:
/// a connection's read loop (decode, hand the packet to its session, read again) never blocks, and queuing it
/// would cost a work item and a worker woken per packet. With the session run on the same thread when it is idle
/// (<c>TellAndRun</c>), its subscriber's session after it (the run's next slot) and the write to the subscriber's
/// socket at the end of that run, a PUBLISH between idle clients crosses no thread at all (docs/PERFORMANCE.md,
/// scenario 4). The generator gains the same way: its receive timestamp is taken one hop closer to the socket.</item>
/// </list>
/// (Thread-pool workers not spinning before they sleep is set in the runtimeconfig: see Broker.Host.csproj.)
/// An environment variable the user set wins.
/// </summary>
public static class ProcessRuntime
{
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Configure()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
    }
}
