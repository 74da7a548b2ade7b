using BenchmarkDotNet.Attributes;
using Broker.Actors;

namespace Broker.Benchmarks.Actors;

/// <summary>
/// <see cref="Producers"/> threads telling one actor as fast as they can, as the publishers' sessions all
/// tell the one subscriber's session in the fan-in scenario: every producer sends
/// <see cref="MessagesPerProducer"/> messages, and the receiver signals once it has them all. One
/// operation is one message, so the mean is the time per message through one contended mailbox, the
/// receiver's turn included, and 1/mean the messages per second.
/// <para>The producers are plain threads created once in setup, each woken by its own event at the start
/// of an operation, so an operation allocates nothing of its own.</para>
/// </summary>
[MemoryDiagnoser]
public class FanInBenchmarks
{
    public const int Messages = 65_536;

    private readonly Countdown _done = new();
    private ActorSystem? _system;
    private IActorRef _receiver = null!;
    private Thread[] _threads = [];
    private SemaphoreSlim[] _go = [];
    private volatile bool _stopping;

    [Params(1, 4)]
    public int Producers { get; set; }

    private int MessagesPerProducer => Messages / Producers;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench");
        var done = _done;
        _receiver = _system.ActorOf(Props.Create(() => new Receiver(Messages, done)), "receiver");
        _go = new SemaphoreSlim[Producers];
        _threads = new Thread[Producers];
        for (var i = 0; i < Producers; i++)
        {
            var go = _go[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(() => Produce(go)) { IsBackground = true, Name = $"producer-{i}" };
            _threads[i].Start();
        }

        // One operation outside the measurement: the receiver has started and its mailbox has grown.
        FanIn();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        foreach (var go in _go)
        {
            go.Release();
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _system?.Terminate().Wait(TimeSpan.FromSeconds(30));
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public void FanIn()
    {
        _done.Reset(1);
        foreach (var go in _go)
        {
            go.Release();
        }

        _done.Wait();
    }

    private void Produce(SemaphoreSlim go)
    {
        var receiver = _receiver;
        var count = MessagesPerProducer;
        while (true)
        {
            go.Wait();
            if (_stopping)
            {
                return;
            }

            for (var i = 0; i < count; i++)
            {
                receiver.Tell(Ping.Instance);
            }
        }
    }

    private sealed class Receiver(int messages, Countdown done) : ActorBase
    {
        private int _received;

        protected override void Receive(object message)
        {
            if (++_received == messages)
            {
                _received = 0;
                done.Signal();
            }
        }
    }
}
