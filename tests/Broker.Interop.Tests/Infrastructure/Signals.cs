using System.Runtime.InteropServices;

namespace Broker.Interop.Tests.Infrastructure;

/// <summary>POSIX signals by pid: .NET's Process can only SIGKILL, and a graceful stop needs SIGTERM.</summary>
public static class Signals
{
    public const int Sigterm = 15;

    public static void Terminate(int pid)
    {
        if (Kill(pid, Sigterm) != 0)
            throw new InvalidOperationException($"kill -TERM {pid} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
