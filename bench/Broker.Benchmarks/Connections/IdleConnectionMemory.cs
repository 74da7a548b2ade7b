using System.Diagnostics;
using System.IO.Pipelines;
using Broker.Transport.Connections;
using System.Runtime;
using Broker.Host;
using Broker.Host.Listeners;
using Broker.Host.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Benchmarks.Connections;

/// <summary>
/// The broker memory an idle MQTT connection costs (issue 5: at most 4 KB), as
/// <c>dotnet run -c Release --project bench/Broker.Benchmarks -- connection-memory [count]</c>.
/// <para>The broker runs in this process as <c>broker run</c> composes it (<see cref="BrokerRuntime"/> and a
/// <see cref="BrokerServer"/> with the tcp listener on 127.0.0.1, port 0); the clients run in a child
/// process (<see cref="IdleClients"/>), so that this process holds only the broker's sockets. A first
/// child opens and closes 1,000 connections to warm up (JIT, thread pool, Kestrel's and the socket
/// engine's pools), then the baseline is taken, then a second child opens <c>count</c> connections and
/// keeps them idle. Each measurement follows full, compacting collections: the managed heap
/// (<see cref="GC.GetTotalMemory(bool)"/>) and the resident set (<see cref="Environment.WorkingSet"/>,
/// VmRSS) after minus before, divided by the count.</para>
/// <para>The GC mode follows the environment (<c>DOTNET_gcServer</c>, <c>DOTNET_gcConcurrent</c>,
/// <c>DOTNET_GCgen0size</c>, <c>DOTNET_GCDynamicAdaptationMode</c>) so that variants need no rebuild.</para>
/// </summary>
internal static class IdleConnectionMemory
{
    private const int WarmUpCount = 1_000;

    public static async Task RunAsync(int count, bool sampleAllocations, bool bare)
    {
        Console.WriteLine($"Idle connection memory, {count:N0} MQTT 3.1.1 connections, .NET {Environment.Version}, " +
            $"server GC: {GCSettings.IsServerGC}, latency mode: {GCSettings.LatencyMode}, " +
            $"DATAS: {Environment.GetEnvironmentVariable("DOTNET_GCDynamicAdaptationMode") ?? "default"}, " +
            $"gen0size: {Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "default"}");
        var options = new BrokerOptions();
        foreach (var (_, listener) in options.Listeners.All())
        {
            listener.Enabled = false;
            listener.Bind = "127.0.0.1";
            listener.Port = 0;
        }

        options.Listeners.Tcp.Enabled = true;
        options.Listeners.Tcp.MaxConnections = 1_000_000;
        var runtime = BrokerRuntime.Create(options, NullLoggerFactory.Instance);
        // --bare: Kestrel's floor, a handler that answers CONNACK and reads until the client goes, no MQTT broker behind it.
        var server = new BrokerServer(options.Listeners, bare ? BareAsync : runtime.Handler, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        runtime.StopOnShutdown(server);
        var port = server.EndPoint("tcp").Port;

        using (var warmUp = await StartClientsAsync(port, WarmUpCount))
        {
            await StopClientsAsync(warmUp, server);
        }

        var (heapBefore, rssBefore) = Measure();
        using var sampler = sampleAllocations ? new AllocationSampler() : null;
        sampler?.Start();
        var clock = Stopwatch.StartNew();
        using var clients = await StartClientsAsync(port, count);
        var sampled = sampler?.Stop();
        var connected = clock.Elapsed;
        var live = server.Listeners[0].Connections.Current;
        var (heapAfter, rssAfter) = Measure();
        Console.WriteLine($"{live:N0} live connections, opened in {connected.TotalSeconds:N1} s");
        Console.WriteLine($"managed heap: {heapBefore,14:N0} B -> {heapAfter,14:N0} B: {(heapAfter - heapBefore) / (double)count,8:N0} B per connection");
        Console.WriteLine($"resident set: {rssBefore,14:N0} B -> {rssAfter,14:N0} B: {(rssAfter - rssBefore) / (double)count,8:N0} B per connection");
        Console.WriteLine($"GC: committed {GC.GetGCMemoryInfo().TotalCommittedBytes:N0} B, heap size {GC.GetGCMemoryInfo().HeapSizeBytes:N0} B, fragmented {GC.GetGCMemoryInfo().FragmentedBytes:N0} B");

        if (sampled is not null)
        {
            Console.WriteLine($"allocated while the connections opened, sampled by type (GC AllocationTick, ~100 KB a sample): {sampled.Sum(s => s.Bytes) / (double)count:N0} B per connection in all");
            foreach (var (type, bytes) in sampled.Take(120))
            {
                Console.WriteLine($"  {bytes / (double)count,8:N0} B per connection  {type}");
            }
        }

        await StopClientsAsync(clients, server);
        await runtime.StopAsync(CancellationToken.None);
    }

    private static async Task BareAsync(IDuplexPipe transport, ConnectionMetadata metadata, CancellationToken aborted)
    {
        var connected = false;
        while (true)
        {
            var result = await transport.Input.ReadAsync(CancellationToken.None);
            transport.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }

            if (!connected)
            {
                connected = true;
                await transport.Output.WriteAsync(new byte[] { 0x20, 0x02, 0x00, 0x00 });
            }
        }

        await transport.Input.CompleteAsync();
        await transport.Output.CompleteAsync();
    }

    private static (long Heap, long Rss) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return (GC.GetTotalMemory(forceFullCollection: true), Environment.WorkingSet);
    }

    private static async Task<Process> StartClientsAsync(int port, int count)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(IdleConnectionMemory).Assembly.Location);
        }

        start.ArgumentList.Add("connection-clients");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The clients' own GC settings do not matter, and must not be the ones measured here.
        start.Environment.Remove("DOTNET_gcServer");
        var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync();
        if (line != "ready")
        {
            throw new InvalidOperationException($"the client process failed: {line}");
        }

        return process;
    }

    /// <summary>Closes the child's sockets and waits until the broker has ended every connection.</summary>
    private static async Task StopClientsAsync(Process clients, BrokerServer server)
    {
        clients.StandardInput.Close();
        await clients.WaitForExitAsync();
        while (server.Listeners[0].Connections.Current > 0)
        {
            await Task.Delay(50);
        }
    }
}
