using Broker.Actors.Tests.Runtime.Support;

namespace Broker.Actors.Tests.Dispatch;

/// <summary>
/// The lock-free mailbox queue on its own, with no actor around it: order, exactly-once delivery across
/// the growth of its rings with many producers at once, closing while producers race, and no allocation
/// once a ring is big enough. Threads wait on each other's progress, never on time; each concurrent
/// test is bounded by a deadline that fails it instead of hanging the run.
/// </summary>
public sealed class EnvelopeQueueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void One_producer_gets_its_messages_back_in_order_across_several_rings()
    {
        var mailbox = new Holder();
        const int Count = 10_000; // through rings of 2, 4, ... 8,192 slots

        for (var i = 0; i < Count; i++)
        {
            Assert.True(mailbox.Queue.TryEnqueue(new Envelope(i, null)));
        }

        for (var i = 0; i < Count; i++)
        {
            Assert.True(mailbox.Queue.TryDequeue(out var envelope));
            Assert.Equal(i, envelope.Message);
        }

        Assert.False(mailbox.Queue.TryDequeue(out _));
        Assert.False(mailbox.Queue.HasClaims);
    }

    [Fact]
    public void An_empty_queue_has_no_ring_and_no_claims()
    {
        var mailbox = new Holder();

        Assert.False(mailbox.Queue.HasClaims);
        Assert.False(mailbox.Queue.TryDequeue(out _));
        Assert.True(mailbox.Queue.TryEnqueue(new Envelope("a", null)));
        Assert.True(mailbox.Queue.HasClaims);
    }

    [Fact]
    public void A_ring_big_enough_is_reused_with_no_allocation_per_message()
    {
        var mailbox = new Holder();
        var message = new object();
        for (var i = 0; i < 100; i++)
        {
            mailbox.Queue.TryEnqueue(new Envelope(message, null)); // grows the ring to 128 once
        }

        while (mailbox.Queue.TryDequeue(out _))
        {
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 10_000; round++)
        {
            for (var i = 0; i < 50; i++)
            {
                mailbox.Queue.TryEnqueue(new Envelope(message, null));
            }

            for (var i = 0; i < 50; i++)
            {
                mailbox.Queue.TryDequeue(out _);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(2, 200_000)]
    [InlineData(8, 50_000)]
    public void Many_producers_and_one_consumer_every_message_arrives_exactly_once_in_each_producers_order(int producers, int perProducer)
    {
        var mailbox = new Holder();
        var next = new int[producers];
        var total = producers * perProducer;
        var consumer = StartConsumer(() =>
        {
            var received = 0;
            var spinner = default(SpinWait);
            while (received < total)
            {
                if (!mailbox.Queue.TryDequeue(out var envelope))
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                    continue;
                }

                var (producer, sequence) = (Numbered)envelope.Message;
                Assert.Equal(next[producer], sequence);
                next[producer]++;
                received++;
            }
        });

        Concurrently.Run(producers, producer =>
        {
            for (var i = 0; i < perProducer; i++)
            {
                Assert.True(mailbox.Queue.TryEnqueue(new Envelope(new Numbered(producer, i), null)));
            }
        });

        consumer.Join();
        Assert.All(next, count => Assert.Equal(perProducer, count));
        Assert.False(mailbox.Queue.TryDequeue(out _));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1_000)]
    [InlineData(50_000)]
    public void Closing_while_producers_race_leaves_every_message_either_taken_or_refused_never_both(int takenBeforeClose)
    {
        const int Producers = 4;
        var mailbox = new Holder();
        var accepted = new int[Producers];
        var received = Enumerable.Range(0, Producers).Select(_ => new List<int>()).ToArray();

        var consumer = StartConsumer(() =>
        {
            var taken = 0;
            var spinner = default(SpinWait);
            while (taken < takenBeforeClose)
            {
                if (mailbox.Queue.TryDequeue(out var envelope))
                {
                    var (producer, sequence) = (Numbered)envelope.Message;
                    received[producer].Add(sequence);
                    taken++;
                }
                else
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }
            }

            mailbox.Queue.Close();
            while (mailbox.Queue.TryDequeue(out var envelope))
            {
                var (producer, sequence) = (Numbered)envelope.Message;
                received[producer].Add(sequence);
            }
        });

        // Every producer sends until the queue refuses a message, so the close always lands among sends
        // (with a cap, so that a queue that never closes fails the test instead of filling the memory).
        Concurrently.Run(Producers, producer =>
        {
            var sequence = 0;
            while (mailbox.Queue.TryEnqueue(new Envelope(new Numbered(producer, sequence), null)))
            {
                Assert.True(++sequence < 2_000_000, "the closed queue still accepts messages");
            }

            accepted[producer] = sequence;
            Assert.False(mailbox.Queue.TryEnqueue(new Envelope(new Numbered(producer, -1), null)), "a message was accepted after one was refused");
        });

        consumer.Join();
        for (var p = 0; p < Producers; p++)
        {
            // Exactly the accepted ones, each once, in order; none of the refused.
            Assert.Equal(Enumerable.Range(0, accepted[p]), received[p]);
        }
    }

    [Fact]
    public void A_queue_closed_before_its_first_message_refuses_every_message()
    {
        var mailbox = new Holder();

        mailbox.Queue.Close();

        Assert.False(mailbox.Queue.TryEnqueue(new Envelope("late", null)));
        Assert.False(mailbox.Queue.TryDequeue(out _));
        Assert.False(mailbox.Queue.HasClaims);
    }

    [Fact]
    public void A_queue_closed_when_its_last_ring_is_full_refuses_the_next_message_and_keeps_the_others()
    {
        var mailbox = new Holder();
        Assert.True(mailbox.Queue.TryEnqueue(new Envelope(0, null)));
        Assert.True(mailbox.Queue.TryEnqueue(new Envelope(1, null))); // the first ring (2 slots) is full, not yet frozen

        mailbox.Queue.Close();

        Assert.False(mailbox.Queue.TryEnqueue(new Envelope(2, null)));
        Assert.True(mailbox.Queue.TryDequeue(out var first));
        Assert.True(mailbox.Queue.TryDequeue(out var second));
        Assert.Equal((0, 1), ((int)first.Message, (int)second.Message));
        Assert.False(mailbox.Queue.TryDequeue(out _));
    }

    private static Consumer StartConsumer(Action body) => new(body);

    private sealed record Numbered(int Producer, int Sequence);

    /// <summary>The single consumer, on a thread of its own; joining it rethrows what failed on it.</summary>
    private sealed class Consumer
    {
        private readonly Thread _thread;
        private Exception? _failure;

        public Consumer(Action body)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    _failure = e;
                }
            })
            { IsBackground = true, Name = "consumer" };
            _thread.Start();
        }

        public void Join()
        {
            Assert.True(_thread.Join(Deadline), $"the consumer had not finished after {Deadline}: a message was lost");
            if (_failure is not null)
            {
                throw new InvalidOperationException("the consumer failed", _failure);
            }
        }
    }

    /// <summary>The queue is a struct meant to live in a field of its owner, and be used there, never copied.</summary>
    private sealed class Holder
    {
        public EnvelopeQueue Queue;
    }
}
