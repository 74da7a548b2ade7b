using Broker.Core.Messaging;

namespace Broker.Core.Tests.Messaging;

public sealed class MessageIdsTests
{
    [Fact]
    public async Task Ids_taken_on_several_threads_at_once_are_all_different_and_never_0()
    {
        const int Threads = 4;
        const int PerThread = 50_000;
        var taken = new long[Threads][];
        using var start = new Barrier(Threads);

        var workers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var ids = new long[PerThread];
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                for (var i = 0; i < ids.Length; i++)
                {
                    ids[i] = MessageIds.Next();
                }

                taken[t] = ids;
            },
            TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        var all = taken.SelectMany(ids => ids).ToArray();
        Assert.DoesNotContain(0L, all);
        Assert.Equal(Threads * PerThread, all.Distinct().Count());
    }

    [Fact]
    public void Ids_of_one_process_share_their_high_32_bits()
    {
        var first = MessageIds.Next();
        var second = MessageIds.Next();

        Assert.NotEqual(0, first >> 32);
        Assert.Equal(first >> 32, second >> 32);
    }
}
