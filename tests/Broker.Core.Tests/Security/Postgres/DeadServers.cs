using System.Net;
using System.Net.Sockets;
using Broker.Actors.TestKit.Persistence;
using Npgsql;

namespace Broker.Core.Tests.Security.Postgres;

/// <summary>Servers that do not answer: a port nobody listens on, and one that accepts and then says nothing.</summary>
internal static class DeadServers
{
    /// <summary>The test server's connection string, pointed at a loopback port that was free a moment ago.</summary>
    public static string ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return At(port);
    }

    public static string At(int port) => new NpgsqlConnectionStringBuilder(PostgresTestDatabase.RequireConnectionString())
    {
        Host = "127.0.0.1",
        Port = port,
        Timeout = 30,
    }.ConnectionString;
}

/// <summary>Accepts connections and never answers: a server that hangs, which only a cancelled token gets past.</summary>
internal sealed class SilentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _accepted = [];

    public SilentServer()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public string ConnectionString => DeadServers.At(((IPEndPoint)_listener.LocalEndpoint).Port);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync();
                lock (_accepted)
                {
                    _accepted.Add(socket);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_accepted)
        {
            _accepted.ForEach(socket => socket.Dispose());
        }
    }
}
