using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Broker.Actors;

namespace Broker.Benchmarks.Actors;

/// <summary>
/// Messages bounced between pairs: a pinger sends <see cref="InFlight"/> pings to its ponger, which
/// answers each; every answer makes the pinger send the next ping until the pair has made its share of
/// <see cref="RoundTrips"/>. One operation is one message (a ping or a pong), so the mean is the time per
/// message over the whole machine and 1/mean the total messages per second.
/// <para>The baseline is the same exchange between pairs of tasks over unbounded
/// <see cref="System.Threading.Channels"/> (single reader, single writer, continuations on the thread
/// pool as an actor's turn is), so the Ratio column reads as actor time / channel time.</para>
/// <para>Actors, tasks and channels are created once in setup; an operation only sends a start message to
/// every pinger and waits for the last one to finish, and the total of every operation is the same
/// (<see cref="RoundTrips"/> × 2 messages, split among the pairs), so per-operation costs are comparable
/// across parameters.</para>
/// </summary>
[MemoryDiagnoser]
public class PingPongBenchmarks
{
    /// <summary>Round trips per operation over all pairs: 131,072 messages, a few tens of milliseconds.</summary>
    public const int RoundTrips = 65_536;

    public const int Messages = RoundTrips * 2;

    private readonly Countdown _done = new();
    private ActorSystem? _system;
    private IActorRef[] _pingers = [];
    private ChannelWriter<Start>[] _starts = [];
    private ChannelWriter<Ping>[] _pings = [];
    private Task[] _tasks = [];

    [Params(1, 2, 8, 64)]
    public int Pairs { get; set; }

    /// <summary>Pings a pair keeps on the way at once: 1 is a strict request/response, 32 fills a default turn.</summary>
    [Params(1, 32)]
    public int InFlight { get; set; }

    private int RoundTripsPerPair => RoundTrips / Pairs;

    [GlobalSetup(Target = nameof(Actors))]
    public void SetupActors()
    {
        _system = ActorSystem.Create("bench");
        _pingers = new IActorRef[Pairs];
        for (var i = 0; i < Pairs; i++)
        {
            var ponger = _system.ActorOf(Props.Create<Ponger>(), $"ponger-{i}");
            var (roundTrips, inFlight, done) = (RoundTripsPerPair, InFlight, _done);
            _pingers[i] = _system.ActorOf(Props.Create(() => new Pinger(ponger, roundTrips, inFlight, done)), $"pinger-{i}");
        }

        // One operation outside the measurement: every actor has started and every mailbox has its buffer.
        Actors();
    }

    [GlobalCleanup(Target = nameof(Actors))]
    public void CleanupActors() => _system?.Terminate().Wait(TimeSpan.FromSeconds(30));

    [GlobalSetup(Target = nameof(Channels))]
    public void SetupChannels()
    {
        var options = new UnboundedChannelOptions { SingleReader = true, SingleWriter = true };
        _starts = new ChannelWriter<Start>[Pairs];
        _pings = new ChannelWriter<Ping>[Pairs];
        _tasks = new Task[Pairs * 2];
        for (var i = 0; i < Pairs; i++)
        {
            var start = Channel.CreateUnbounded<Start>(options);
            var pings = Channel.CreateUnbounded<Ping>(options);
            var pongs = Channel.CreateUnbounded<Ping>(options);
            _starts[i] = start.Writer;
            _pings[i] = pings.Writer;
            var (roundTrips, inFlight, done) = (RoundTripsPerPair, InFlight, _done);
            _tasks[2 * i] = Task.Run(() => PingerLoop(start.Reader, pings.Writer, pongs.Reader, roundTrips, inFlight, done));
            _tasks[(2 * i) + 1] = Task.Run(() => PongerLoop(pings.Reader, pongs.Writer));
        }

        Channels();
    }

    [GlobalCleanup(Target = nameof(Channels))]
    public void CleanupChannels()
    {
        foreach (var start in _starts)
        {
            start.TryComplete();
        }

        foreach (var pings in _pings)
        {
            pings.TryComplete();
        }

        Task.WaitAll(_tasks, TimeSpan.FromSeconds(30));
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public void Actors()
    {
        _done.Reset(_pingers.Length);
        foreach (var pinger in _pingers)
        {
            pinger.Tell(Start.Instance);
        }

        _done.Wait();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public void Channels()
    {
        _done.Reset(_starts.Length);
        foreach (var start in _starts)
        {
            start.TryWrite(Start.Instance);
        }

        _done.Wait();
    }

    private static async Task PingerLoop(
        ChannelReader<Start> start, ChannelWriter<Ping> pings, ChannelReader<Ping> pongs, int roundTrips, int inFlight, Countdown done)
    {
        while (await start.WaitToReadAsync().ConfigureAwait(false))
        {
            if (!start.TryRead(out _))
            {
                continue;
            }

            var sent = 0;
            for (; sent < inFlight; sent++)
            {
                pings.TryWrite(Ping.Instance);
            }

            var received = 0;
            while (received < roundTrips && await pongs.WaitToReadAsync().ConfigureAwait(false))
            {
                while (pongs.TryRead(out _))
                {
                    received++;
                    if (sent < roundTrips)
                    {
                        pings.TryWrite(Ping.Instance);
                        sent++;
                    }
                }
            }

            done.Signal();
        }
    }

    private static async Task PongerLoop(ChannelReader<Ping> pings, ChannelWriter<Ping> pongs)
    {
        while (await pings.WaitToReadAsync().ConfigureAwait(false))
        {
            while (pings.TryRead(out var ping))
            {
                pongs.TryWrite(ping);
            }
        }

        pongs.TryComplete();
    }

    /// <summary>Keeps <c>inFlight</c> pings on the way until <c>roundTrips</c> answers have come back.</summary>
    private sealed class Pinger(IActorRef ponger, int roundTrips, int inFlight, Countdown done) : ActorBase
    {
        private int _sent;
        private int _received;

        protected override void Receive(object message)
        {
            if (message is Start)
            {
                _sent = 0;
                _received = 0;
                for (var i = 0; i < inFlight; i++)
                {
                    SendPing();
                }

                return;
            }

            _received++;
            if (_sent < roundTrips)
            {
                SendPing();
            }
            else if (_received == roundTrips)
            {
                done.Signal();
            }
        }

        private void SendPing()
        {
            _sent++;
            ponger.Tell(Ping.Instance, Self);
        }
    }

    /// <summary>Answers every message to its sender.</summary>
    private sealed class Ponger : ActorBase
    {
        protected override void Receive(object message) => Sender!.Tell(message, Self);
    }
}
