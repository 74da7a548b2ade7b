using System.Runtime.InteropServices;

namespace Broker.Interop.Tests.Infrastructure;

/// <summary>POSIX signals by pid: .NET's Process can only SIGKILL; a graceful stop needs SIGTERM, a hung client SIGSTOP.</summary>
public static class Signals
{
    public const int Sigterm = 15;
    public const int Sigstop = 19;
    public const int Sigcont = 18;

    public static void Terminate(int pid) => Send(pid, Sigterm, "TERM");

    /// <summary>SIGSTOP: the process keeps its sockets open and reads nothing, as a hung client does.</summary>
    public static void Stop(int pid) => Send(pid, Sigstop, "STOP");

    public static void Continue(int pid) => Send(pid, Sigcont, "CONT");

    private static void Send(int pid, int signal, string name)
    {
        if (Kill(pid, signal) != 0)
            throw new InvalidOperationException($"kill -{name} {pid} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
