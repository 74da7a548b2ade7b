using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>
/// Messages from one sender to one receiver arrive in the order sent, however many other senders
/// write to the same mailbox at the same time (the only ordering guarantee the runtime gives).
/// </summary>
public sealed class OrderingTests : ActorTestKit
{
    private const int Senders = 8;
    private const int PerSender = 20_000;
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public void Each_sender_actors_messages_arrive_in_order_while_eight_send_at_once(int throughput)
    {
        var checker = Sys.ActorOf(SequenceChecker.PropsFor(Senders * PerSender, TestActor.Ref).WithThroughput(throughput), "checker");
        var senders = Enumerable.Range(0, Senders)
            .Select(i => Sys.ActorOf(Props.Create(() => new NumberSender(i, PerSender)), $"sender-{i}"))
            .ToArray();

        foreach (var sender in senders)
        {
            sender.Tell(checker);
        }

        ExpectEverySenderInOrder();
    }

    [Fact]
    public void Each_threads_messages_arrive_in_order_while_eight_threads_send_at_once()
    {
        var checker = Sys.ActorOf(SequenceChecker.PropsFor(Senders * PerSender, TestActor.Ref), "checker");

        Concurrently.Run(Senders, thread =>
        {
            for (var i = 1; i <= PerSender; i++)
            {
                checker.Tell(new Numbered(thread, i));
            }
        });

        ExpectEverySenderInOrder();
    }

    [Fact]
    public void Messages_to_oneself_keep_their_order_behind_those_already_queued()
    {
        var actor = Sys.ActorOf(Props.Create(() => new SelfSender(TestActor.Ref)));

        actor.Tell("start");

        Assert.Equal(["start", "first", "second", "third"], Enumerable.Range(0, 4).Select(_ => ExpectMsg<string>()));
    }

    private sealed record Numbered(int Sender, int Sequence);

    private sealed record SequenceReport(int Received, int Senders, IReadOnlyList<string> Violations);

    /// <summary>Sends 1..count numbered as sender <paramref name="id"/> to the actor it is told.</summary>
    private sealed class NumberSender(int id, int count) : ActorBase
    {
        protected override void Receive(object message)
        {
            var target = (IActorRef)message;
            for (var i = 1; i <= count; i++)
            {
                target.Tell(new Numbered(id, i), Self);
            }
        }
    }

    /// <summary>
    /// Checks that each sender's numbers go up by exactly one (nothing reordered, lost or repeated) and
    /// that every message of a sender carries that sender's reference; reports once all have arrived.
    /// </summary>
    private sealed class SequenceChecker(int expected, IActorRef probe) : ActorBase
    {
        private readonly Dictionary<int, int> _last = [];
        private readonly Dictionary<int, IActorRef?> _senders = [];
        private readonly List<string> _violations = [];
        private int _received;

        public static Props PropsFor(int expected, IActorRef probe) => Props.Create(() => new SequenceChecker(expected, probe));

        protected override void Receive(object message)
        {
            var numbered = (Numbered)message;
            var previous = _last.GetValueOrDefault(numbered.Sender);
            if (numbered.Sequence != previous + 1)
            {
                Violate($"sender {numbered.Sender}: {numbered.Sequence} after {previous}");
            }

            if (_senders.TryGetValue(numbered.Sender, out var known) && !Equals(known, Sender))
            {
                Violate($"sender {numbered.Sender}: message {numbered.Sequence} came from {Sender?.Path.ToString() ?? "nobody"}, not {known?.Path}");
            }

            _senders[numbered.Sender] = Sender;
            _last[numbered.Sender] = numbered.Sequence;
            if (++_received == expected)
            {
                probe.Tell(new SequenceReport(_received, _last.Count, _violations));
            }
        }

        private void Violate(string violation)
        {
            if (_violations.Count < 20)
            {
                _violations.Add(violation);
            }
        }
    }

    private sealed class SelfSender(IActorRef probe) : ActorBase
    {
        protected override void Receive(object message)
        {
            probe.Tell(message);
            if (message is "start")
            {
                Self.Tell("first");
                Self.Tell("second");
                Self.Tell("third");
            }
        }
    }

    private void ExpectEverySenderInOrder()
    {
        var report = ExpectMsg<SequenceReport>(ReportTimeout);
        Assert.Empty(report.Violations);
        Assert.Equal(Senders, report.Senders);
        Assert.Equal(Senders * PerSender, report.Received);
    }
}
