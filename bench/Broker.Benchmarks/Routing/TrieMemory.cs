using System.Diagnostics;
using Broker.Core.Routing;

namespace Broker.Benchmarks.Routing;

/// <summary>
/// The managed memory of the node table with a million filters, per shape: <c>GC.GetTotalMemory(true)</c>
/// before and after building it. Includes the trie nodes, their child tables, the level strings, the
/// <see cref="Route"/> objects and the filter strings they keep (the router needs them), not the local
/// table of subscribers. Run as <c>dotnet run -c Release --project bench/Broker.Benchmarks -- trie-memory</c>.
/// </summary>
internal static class TrieMemory
{
    public static void Run()
    {
        Console.WriteLine($"Topic trie memory, {TrieFilters.Count:N0} subscriptions, .NET {Environment.Version}, server GC: {System.Runtime.GCSettings.IsServerGC}");
        foreach (var shape in Enum.GetValues<TrieShape>())
        {
            Measure(shape);
        }
    }

    /// <summary>Its own frame, so that no table of a previous shape is still reachable from a local.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Measure(TrieShape shape)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var table = TrieFilters.Build(shape);
        var built = clock.Elapsed;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(
            $"{shape,-6} {table.FilterCount,9:N0} filters, built in {built.TotalMilliseconds,6:N0} ms: " +
            $"{after - before,14:N0} B  -> {(after - before) / (double)table.FilterCount,6:N1} B per filter");
        GC.KeepAlive(table);
    }
}
