namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// The broker processes of one test's cluster on loopback, each with the clients that talk to it. Disposing stops
/// them, after writing each node's log to the test's output: what a failed cluster test is read from.
/// </summary>
public sealed class ClusterProcesses(ITestOutputHelper output) : IAsyncDisposable
{
    /// <summary>The nodes in start order; a test that restarts one puts the new process in its place.</summary>
    public List<BrokerProcess> Nodes { get; } = [];

    /// <summary>Clients of each node, by the node's index.</summary>
    public List<Clients> Clients { get; } = [];

    /// <param name="netns">The network namespace the node runs in, where its clients then run too; null: this one.</param>
    public void Add(BrokerProcess node, string? netns = null)
    {
        Nodes.Add(node);
        Clients.Add(new Clients(output, node.Endpoint, netns));
    }

    /// <summary>Node <paramref name="index"/> restarted as <paramref name="node"/>: its clients now talk to it.</summary>
    public void Replace(int index, BrokerProcess node)
    {
        Nodes[index] = node;
        Clients[index].Dispose();
        Clients[index] = new Clients(output, node.Endpoint);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var clients in Clients)
            clients.Dispose();
        foreach (var node in Nodes)
        {
            output.WriteLine($"--- node log (pid {node.Pid}) ---");
            foreach (var line in node.Output.TranscriptSince(0))
                output.WriteLine(line);
            await node.DisposeAsync();
        }
    }
}
