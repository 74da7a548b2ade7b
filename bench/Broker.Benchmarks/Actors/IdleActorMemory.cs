using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using Broker.Actors;

namespace Broker.Benchmarks.Actors;

/// <summary>
/// The managed memory an idle actor costs, measured on a million of them, as a node holds a million idle
/// MQTT sessions. Not a BenchmarkDotNet benchmark: its figure is a heap size after a full collection, not
/// a time, so it runs once, as <c>dotnet run -c Release --project bench/Broker.Benchmarks -- memory [count]</c>.
/// <para>The actors are named like session actors (<c>session-000042</c>, 14 characters) and are children
/// of <c>/user</c>, whose cell keeps them in its dictionary of children, as a sessions parent would. The
/// heap is measured with <see cref="GC.GetTotalMemory(bool)"/> (full, compacting collections until the
/// size settles) before the first actor is created and after every actor has run PreStart; then again
/// after every actor has received one message, because the first message gives an actor its mailbox
/// ring, which it keeps. The figures are followed by the sizes of the parts, measured one by one.</para>
/// </summary>
internal static class IdleActorMemory
{
    public static void Run(int count)
    {
        Console.WriteLine($"Idle actor memory, {count:N0} actors, .NET {Environment.Version}, server GC: {System.Runtime.GCSettings.IsServerGC}");
        Measure(Math.Min(count, 10_000), quiet: true); // JIT and the thread pool's ramp-up, outside the measurement
        Measure(count, quiet: false);
        PrintParts(count);
    }

    private static void Measure(int count, bool quiet)
    {
        var system = ActorSystem.Create("memory");
        var props = Props.Create<IdleSession>();
        var actors = new IActorRef[count]; // allocated before the baseline: the benchmark's own array is not the actors' cost
        IdleSession.Started.Reset(count);
        IdleSession.Received.Reset(count);

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            actors[i] = system.ActorOf(props, SessionName(i));
        }

        var spawned = clock.Elapsed;
        IdleSession.Started.Wait();
        var started = clock.Elapsed;
        var afterStart = GC.GetTotalMemory(forceFullCollection: true);

        clock.Restart();
        foreach (var actor in actors)
        {
            actor.Tell(Ping.Instance);
        }

        IdleSession.Received.Wait();
        var delivered = clock.Elapsed;
        var afterMessage = GC.GetTotalMemory(forceFullCollection: true);

        clock.Restart();
        system.Terminate().Wait(TimeSpan.FromMinutes(2));
        var terminated = clock.Elapsed;
        GC.KeepAlive(actors);
        if (quiet)
        {
            return;
        }

        Console.WriteLine($"ActorOf x {count:N0}: {spawned.TotalMilliseconds:N0} ms; all started (PreStart ran) after {started.TotalMilliseconds:N0} ms");
        Console.WriteLine($"one message to each: {delivered.TotalMilliseconds:N0} ms; Terminate: {terminated.TotalMilliseconds:N0} ms");
        Console.WriteLine($"heap before:                      {baseline,14:N0} B");
        Console.WriteLine($"heap, all started:                {afterStart,14:N0} B  -> {(afterStart - baseline) / (double)count,7:N1} B per actor");
        Console.WriteLine($"heap, all received one message:   {afterMessage,14:N0} B  -> {(afterMessage - baseline) / (double)count,7:N1} B per actor");
    }

    /// <summary>The size of each part, from the allocation counter of this thread around creating one of it.</summary>
    private static void PrintParts(int count)
    {
        var runtime = typeof(ActorSystem).Assembly;
        var cellType = runtime.GetType("Broker.Actors.ActorCell", throwOnError: true)!;
        var queueType = runtime.GetType("Broker.Actors.EnvelopeQueue", throwOnError: true)!;
        var segmentType = runtime.GetType("Broker.Actors.EnvelopeSegment", throwOnError: true)!;
        var initialCapacity = (int)queueType.GetField("InitialCapacity", BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!;

        var cell = SizeOf(() => RuntimeHelpers.GetUninitializedObject(cellType));
        var actor = SizeOf(() => RuntimeHelpers.GetUninitializedObject(typeof(IdleSession)));
        var name = SizeOf(() => SessionName(123_456));
        var entry = DictionaryEntrySize(count);
        var newSegment = System.Linq.Expressions.Expression.Lambda<Func<object>>(
            System.Linq.Expressions.Expression.New(segmentType.GetConstructor([typeof(int)])!, System.Linq.Expressions.Expression.Constant(initialCapacity))).Compile();
        var mailbox = SizeOf(newSegment); // a compiled constructor call: reflection would count its own allocations
        Console.WriteLine("parts, measured one by one:");
        Console.WriteLine($"  ActorCell ({cellType.GetFields(BindingFlags.Instance | BindingFlags.NonPublic).Length} fields):   {cell,6:N0} B");
        Console.WriteLine($"  actor instance (no fields of its own): {actor,6:N0} B");
        Console.WriteLine($"  name string (14 chars):               {name,6:N0} B");
        Console.WriteLine($"  parent's Dictionary<string, _> entry: {entry,6:N1} B per entry at {count:N0} entries (entries, buckets, unused capacity)");
        Console.WriteLine($"  sum, idle actor:                      {cell + actor + name + entry,6:N1} B");
        Console.WriteLine($"  mailbox ring (EnvelopeSegment of {initialCapacity} slots), from the first message: {mailbox,6:N0} B");
    }

    private static long SizeOf(Func<object> create)
    {
        GC.KeepAlive(create());
        var before = GC.GetAllocatedBytesForCurrentThread();
        var created = create();
        var size = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(created);
        return size;
    }

    /// <summary>A dictionary filled one entry at a time like the parent's, its keys created beforehand: what it costs per entry.</summary>
    private static double DictionaryEntrySize(int count)
    {
        var keys = new string[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = SessionName(i);
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var children = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            children.Add(key, keys);
        }

        var size = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)count;
        GC.KeepAlive(children);
        return size;
    }

    /// <summary><c>session-</c> and six digits, allocating only the string itself.</summary>
    private static string SessionName(int i) => string.Create(14, i, static (chars, i) =>
    {
        "session-".CopyTo(chars);
        i.TryFormat(chars[8..], out _, "D6", CultureInfo.InvariantCulture);
    });

    /// <summary>An actor with no state of its own that counts its start and its first message.</summary>
    private sealed class IdleSession : ActorBase
    {
        public static readonly Countdown Started = new();
        public static readonly Countdown Received = new();

        protected override void PreStart() => Started.Signal();

        protected override void Receive(object message) => Received.Signal();
    }
}
