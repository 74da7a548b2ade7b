using BenchmarkDotNet.Running;
using Broker.Benchmarks;
using Broker.Benchmarks.Actors;
using Broker.Benchmarks.Connections;
using Broker.Benchmarks.Routing;

// dotnet run -c Release --project bench/Broker.Benchmarks -- --filter '*Codec*'
// dotnet run -c Release --project bench/Broker.Benchmarks -- --filter '*Actors*'
// dotnet run -c Release --project bench/Broker.Benchmarks -- memory [count]    (bytes per idle actor, not a BenchmarkDotNet run)
// dotnet run -c Release --project bench/Broker.Benchmarks -- --filter '*TopicTrie*'
// dotnet run -c Release --project bench/Broker.Benchmarks -- trie-memory       (bytes of the 1M-filter route table)
// dotnet run -c Release --project bench/Broker.Benchmarks -- --filter '*RouterPublish*'
// dotnet run -c Release --project bench/Broker.Benchmarks -- --filter '*Authorization*'
if (args is ["memory", ..])
{
    IdleActorMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    return;
}

// dotnet run -c Release --project bench/Broker.Benchmarks -- connection-memory [count] [--allocations] [--bare] (bytes per idle MQTT connection)
if (args is ["connection-memory", ..])
{
        await IdleConnectionMemory.RunAsync(
        args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? IdleClients.ParseInt(args[1]) : 10_000,
        sampleAllocations: args.Contains("--allocations"),
        bare: args.Contains("--bare"));
    return;
}

if (args is ["connection-clients", var port, var count])
{
    await IdleClients.RunAsync(IdleClients.ParseInt(port), IdleClients.ParseInt(count));
    return;
}

// dotnet run -c Release --project bench/Broker.Benchmarks -- journal [sqlite|postgresql|all] [actors] [events-each]
// (group-commit throughput; postgresql reads BROKER_TEST_POSTGRES)
if (args is ["journal", ..])
{
    await Broker.Benchmarks.Persistence.JournalThroughput.RunAsync(
        args.Length > 1 ? args[1] : "all",
        args.Length > 2 ? IdleClients.ParseInt(args[2]) : 100,
        args.Length > 3 ? IdleClients.ParseInt(args[3]) : 200);
    return;
}

// dotnet run -c Release --project bench/Broker.Benchmarks -- retained-recovery [count] [writers]
// (durable retained messages: upserts/s, then the time to load them back; postgresql reads BROKER_TEST_POSTGRES)
if (args is ["retained-recovery", ..])
{
    await Broker.Benchmarks.Persistence.RetainedRecovery.RunAsync(
        args.Length > 1 ? IdleClients.ParseInt(args[1]) : 100_000,
        args.Length > 2 ? IdleClients.ParseInt(args[2]) : 1000);
    return;
}

if (args is ["trie-memory"])
{
    TrieMemory.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, BenchmarkConfig.For(args));
