namespace Broker.Actors.Tests.Shutdown;

internal static class TaskGuard
{
    /// <summary>
    /// Only a guard against a broken implementation hanging the test run: tests wait on signals, and
    /// this limit is never reached when they pass.
    /// </summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static Task Within(this Task task) => task.WaitAsync(Limit);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Limit);

    public static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
