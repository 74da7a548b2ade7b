using System.Runtime.InteropServices;
using Broker.Host.Commands;

namespace Broker.Host.Bench;

/// <summary>
/// <c>broker bench &lt;scenario&gt; [options]</c>: a load generator in the spirit of emqtt-bench. Progress lines go to
/// stderr, the summary as one line of JSON to stdout. Exit 0 when the run completed (loss is a result, not an
/// error), 2 for bad arguments, 4 when the broker cannot be reached.
/// </summary>
public static class BenchCommand
{
    public const string Usage = """
        Usage: broker bench conn|pub|sub|pubsub [options]
               broker bench null-broker [--host 127.0.0.1] [--port 1883]

          conn     Open -c connections (default 1000) at --conn-rate, then hold them idle until --duration ends.
          pub      -c publishers (default 10) on --topic (default bench/%i), --qos, --size, --rate, --inflight.
          sub      -c subscribers (default 1) on --topic (default bench/#), --qos.
          pubsub   --pubs publishers (10) and --subs subscribers (1) in one process: --pub-topic (bench/%i),
                   --sub-topic (bench/#), --qos, --size, --rate, --inflight; --sub-port: the subscribers
                   connect to another port on --host (another node of a cluster).
          null-broker  Not a load: a trivial broker that only forwards each PUBLISH to the matching subscribers,
                   to measure what the generator and loopback cost on their own (run a scenario against it).

        Subscriber sessions (sub, pubsub): --sub-clean true|false (default: --clean)  --sub-session-expiry 0
          (seconds, 5.0 only); a session that outlives its connection is durable (persistence.durability).

        Common options:
          --host 127.0.0.1  --port 1883 (8883 with --tls)  --version 5|4|3 (default 4 = MQTT 3.1.1)
          --tls  --insecure (do not check the broker's certificate)
          --source-ips 127.0.0.1-127.0.0.16   local addresses to bind to, round-robin (default: chosen by the system)
          --duration 10s  --client-prefix bench  --conn-rate 0 (connections/s, 0 = as fast as possible)
          --keepalive 60  --clean true  --progress 1s (0 = no progress lines)

        Publish options: --qos 0|1|2 (0)  --size 64 (bytes, at least 20)  --rate 0 (messages/s per publisher,
          0 = as fast as possible)  --inflight 100 (QoS 1/2 messages awaiting acknowledgement per publisher, fewer
          if the broker's 5.0 CONNACK sets a lower Receive Maximum; a new one goes as each PUBACK/PUBCOMP arrives)
          --drain 10s (pub, pubsub: after publishing, how long subscribers go on reading and publishers taking
          acknowledgements before the figures are taken; ends sooner when all arrived or nothing moves)

        Acknowledgements: as an ordinary client, each one is written as soon as its packet is read (subscribers:
          PUBACK per QoS 1 PUBLISH, PUBREC per QoS 2 PUBLISH, PUBCOMP per PUBREL; publishers: PUBREL per PUBREC).
          --coalesce-acks writes those of one read in one write instead (fewer system calls; not an ordinary client).

        %i in a topic is the client's index within its role, from 0. Every payload starts with a 20-byte header
        (publisher index, sequence, send time) that subscribers use for loss, duplicates, order and latency.
        Loss in pubsub: each subscriber expects every message of each publisher whose topic its filter matches.
        acked_lost (QoS 1/2, pubsub): messages the broker acknowledged (PUBACK; PUBREC at QoS 2) that a matching
        subscriber never received, drain included. Rates count what happened within --duration only.
        At most 19,500 connections per process (the open-file limit is 20,000): run several processes for more.
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Count == 0 || args[0] is "help" || args.Any(a => a is "--help" or "-h"))
        {
            await output.WriteLineAsync(Usage);
            return args.Count == 0 ? ExitCodes.InvalidConfiguration : ExitCodes.Success;
        }
        if (args[0] == "null-broker")
            return await NullBrokerCommand.RunAsync([.. args.Skip(1)], output, error, cancellation);
        var parsed = BenchArguments.Parse(args);
        if (parsed.Options is not { } options)
        {
            await error.WriteLineAsync($"broker bench: invalid arguments ({parsed.Errors.Count}):");
            foreach (var message in parsed.Errors)
                await error.WriteLineAsync($"  {message}");
            await error.WriteLineAsync("Run `broker bench help` for the options.");
            return ExitCodes.InvalidConfiguration;
        }

        // Ctrl+C ends the run early but still prints its summary.
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var sigint = cancellation.CanBeCanceled ? null : PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            interrupted.Cancel();
        });
        var outcome = await BenchRun.RunAsync(options, error, interrupted.Token);
        if (outcome.Summary is null)
        {
            await error.WriteLineAsync($"broker bench: {outcome.Unreachable}");
            return ExitCodes.BrokerUnreachable;
        }
        await output.WriteLineAsync(outcome.Summary.ToJson());
        return ExitCodes.Success;
    }
}
