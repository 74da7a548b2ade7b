namespace Broker.Actors.Tests.Runtime.Support;

internal static class Concurrently
{
    /// <summary>
    /// Runs <paramref name="body"/> on <paramref name="threads"/> dedicated threads released together by
    /// a barrier (thread-pool threads would trickle in one by one), and returns when all have finished.
    /// </summary>
    public static void Run(int threads, Action<int> body)
    {
        using var start = new Barrier(threads);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var running = Enumerable.Range(0, threads).Select(index => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                body(index);
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })
        {
            IsBackground = true,
            Name = $"sender-{index}",
        }).ToArray();

        foreach (var thread in running)
        {
            thread.Start();
        }

        foreach (var thread in running)
        {
            thread.Join();
        }

        if (!errors.IsEmpty)
        {
            throw new AggregateException(errors);
        }
    }
}
