using System.Runtime.CompilerServices;

namespace Broker.Actors.Tests;

/// <summary>
/// Many of these tests hold a pool thread on purpose (an actor blocked at a <c>Gate</c> to keep it busy while its mailbox
/// fills), and xunit runs the classes side by side. On a 2-core machine the pool starts with two threads and adds about
/// one a second, so a few blocked actors starved the others' turns past a test's 5 s wait (AfterRunTests failed so in
/// CI). A floor well above what the gates hold at once gives every test its threads at once; the runtime itself is
/// unchanged.
/// </summary>
internal static class ThreadPoolFloor
{
    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), completionPorts);
    }
}
