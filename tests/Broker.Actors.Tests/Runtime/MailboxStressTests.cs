using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>
/// The lock-free mailbox under many senders at once: every message arrives exactly once and in each
/// sender's order; no wakeup is lost when a sender finds the actor just going idle; and senders racing
/// with the actor stopping lose nothing and duplicate nothing, each message being either processed or a
/// dead letter. Threads wait on signals with deadlines that fail the test rather than hang it; no sleeps.
/// </summary>
public sealed class MailboxStressTests : ActorTestKit
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public void Every_message_of_many_sending_threads_arrives_exactly_once_in_each_threads_order(int throughput)
    {
        const int Producers = 8;
        const int PerProducer = 25_000;
        var actor = Sys.ActorOf(Props.Create(() => new Recorder(Producers, int.MaxValue)).WithThroughput(throughput), "recorder");

        Concurrently.Run(Producers, producer =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                actor.Tell(new Numbered(producer, i));
            }
        });

        // Sent after every message above, so answered after all of them.
        actor.Tell(Report.Instance, TestActor.Ref);
        var received = ExpectMsg<List<int>[]>(Deadline);
        Assert.All(received, sequences => Assert.Equal(Enumerable.Range(0, PerProducer), sequences));
        Assert.Equal(0, Sys.DeadLetters.DeadLetterCount);
    }

    /// <summary>
    /// Each sender spins until its message has been processed, then sends the next at once, so nearly
    /// every message reaches an actor that has just emptied its mailbox and is ending its turn: the window
    /// where the turn finds nothing and clears the scheduled flag while a sender adds a message and reads
    /// the flag. A lost wakeup leaves a message in the mailbox with nobody to run it, and the sender's
    /// wait runs into its deadline.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void No_wakeup_is_lost_when_senders_keep_finding_the_actor_ending_its_turn(int senders)
    {
        const int Rounds = 20_000;
        var actor = Sys.ActorOf(Props.Create<Answerer>(), "answerer");

        Concurrently.Run(senders, _ =>
        {
            var processed = new Counter();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 1; i <= Rounds; i++)
            {
                actor.Tell(processed);
                var spinner = default(SpinWait);
                while (Volatile.Read(ref processed.Value) != i)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                    Assert.True(clock.Elapsed < Deadline, $"message {i} was still unprocessed after {Deadline}: its wakeup was lost");
                }
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1_000)]
    [InlineData(40_000)]
    public void Senders_racing_with_the_actor_stopping_lose_nothing_every_message_is_processed_or_a_dead_letter_once(int processedBeforeStop)
    {
        const int Producers = 4;
        const int PerProducer = 20_000;
        var deadLetters = new CountingSubscriber(Producers, PerProducer, ActorPath.Root(Sys.Address).Child("dead-letter-counter"));
        Sys.EventStream.Subscribe(deadLetters, typeof(DeadLetter));
        Recorder? recorder = null;
        var actor = Sys.ActorOf(Props.Create(() => recorder = new Recorder(Producers, processedBeforeStop)), "stopping");
        Watch(actor);

        Concurrently.Run(Producers, producer =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                actor.Tell(new Numbered(producer, i));
            }
        });

        ExpectTerminated(actor);
        Assert.Equal(processedBeforeStop, recorder!.Received.Sum(r => r.Count));
        for (var p = 0; p < Producers; p++)
        {
            // What the actor processed is a prefix of what the producer sent, in order; every later
            // message became exactly one dead letter, and none of the processed ones did.
            var processed = recorder.Received[p];
            Assert.Equal(Enumerable.Range(0, processed.Count), processed);
            for (var i = 0; i < PerProducer; i++)
            {
                Assert.Equal(i < processed.Count ? 0 : 1, deadLetters.Count(p, i));
            }
        }
    }

    private sealed record Numbered(int Producer, int Sequence);

    private sealed record Report
    {
        public static readonly Report Instance = new();
    }

    /// <summary>Records each sender's sequence numbers in arrival order; stops itself after <c>stopAfter</c> messages.</summary>
    private sealed class Recorder(int producers, int stopAfter) : ActorBase
    {
        private int _processed;

        public List<int>[] Received { get; } = Enumerable.Range(0, producers).Select(_ => new List<int>()).ToArray();

        protected override void Receive(object message)
        {
            switch (message)
            {
                case Numbered numbered:
                    Received[numbered.Producer].Add(numbered.Sequence);
                    if (++_processed == stopAfter)
                    {
                        Context.Stop(Self);
                    }

                    break;
                case Report:
                    Sender!.Tell(Received);
                    break;
            }
        }
    }

    private sealed class Counter
    {
        public int Value;
    }

    private sealed class Answerer : ActorBase
    {
        protected override void Receive(object message) => Interlocked.Increment(ref ((Counter)message).Value);
    }

    /// <summary>Counts dead letters per message, synchronously on the thread that publishes them.</summary>
    private sealed class CountingSubscriber(int producers, int perProducer, ActorPath path) : IActorRef
    {
        private readonly int[] _counts = new int[producers * perProducer];

        public ActorPath Path => path;

        public int Count(int producer, int sequence) => Volatile.Read(ref _counts[(producer * perProducer) + sequence]);

        public void Tell(object message, IActorRef? sender = null)
        {
            if (message is DeadLetter { Message: Numbered numbered })
            {
                Interlocked.Increment(ref _counts[(numbered.Producer * perProducer) + numbered.Sequence]);
            }
        }
    }
}
