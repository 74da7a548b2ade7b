using BenchmarkDotNet.Attributes;
using Broker.Actors;

namespace Broker.Benchmarks.Actors;

/// <summary>
/// One actor telling a message to each of <see cref="Receivers"/> actors, <see cref="Rounds"/> times over,
/// as a publish is delivered to every subscriber: round after round, one message to each receiver, not
/// all of one receiver's messages at once. Every receiver counts and signals when it has all of its
/// messages; one operation is one delivered message, so the mean is the time per delivery including
/// the receiver's turn, and 1/mean the deliveries per second.
/// </summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    public const int Receivers = 10_000;

    public const int Rounds = 10;

    public const int Messages = Receivers * Rounds;

    private readonly Countdown _done = new();
    private ActorSystem? _system;
    private IActorRef _broadcaster = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench");
        var receivers = new IActorRef[Receivers];
        var done = _done;
        for (var i = 0; i < Receivers; i++)
        {
            receivers[i] = _system.ActorOf(Props.Create(() => new Receiver(done)), $"receiver-{i}");
        }

        _broadcaster = _system.ActorOf(Props.Create(() => new Broadcaster(receivers)), "broadcaster");

        // One operation outside the measurement: every receiver has started and has its mailbox buffer.
        FanOut();
    }

    [GlobalCleanup]
    public void Cleanup() => _system?.Terminate().Wait(TimeSpan.FromSeconds(30));

    [Benchmark(OperationsPerInvoke = Messages)]
    public void FanOut()
    {
        _done.Reset(Receivers);
        _broadcaster.Tell(Start.Instance);
        _done.Wait();
    }

    private sealed class Broadcaster(IActorRef[] receivers) : ActorBase
    {
        protected override void Receive(object message)
        {
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var receiver in receivers)
                {
                    receiver.Tell(Ping.Instance, Self);
                }
            }
        }
    }

    private sealed class Receiver(Countdown done) : ActorBase
    {
        private int _received;

        protected override void Receive(object message)
        {
            if (++_received == Rounds)
            {
                _received = 0;
                done.Signal();
            }
        }
    }
}
