using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace Broker.Cluster.Tests;

/// <summary>
/// A real DNS server on 127.0.0.1 at a free UDP port (ARSoft.Tools.Net's), answering from records the test sets and
/// changes while nodes look them up; any other name gets NXDOMAIN. Counts the queries, to see a node keep asking.
/// </summary>
internal sealed class TestDnsServer : IDisposable
{
    private const int Ttl = 1;

    private readonly ConcurrentDictionary<string, IReadOnlyList<DnsRecordBase>> _records = new(StringComparer.OrdinalIgnoreCase);
    private readonly DnsServer _server;
    private int _queries;

    private TestDnsServer(int port)
    {
        Port = port;
        _server = new DnsServer(new UdpServerTransport(new IPEndPoint(IPAddress.Loopback, port)));
        _server.QueryReceived += OnQueryAsync;
        _server.Start();
    }

    public int Port { get; }

    /// <summary>The server as <c>cluster.dns.server</c> takes it.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public int Queries => Volatile.Read(ref _queries);

    public static TestDnsServer Start() => new(FreeUdpPort());

    public void SetA(string name, params IPAddress[] addresses) =>
        _records[Key(name)] = addresses
            .Select(a => a.AddressFamily == AddressFamily.InterNetworkV6
                ? (DnsRecordBase)new AaaaRecord(DomainName.Parse(name), Ttl, a)
                : new ARecord(DomainName.Parse(name), Ttl, a))
            .ToList();

    public void SetSrv(string name, params (string Target, int Port)[] services) =>
        _records[Key(name)] = services
            .Select(s => (DnsRecordBase)new SrvRecord(DomainName.Parse(name), Ttl, 0, 10, (ushort)s.Port, DomainName.Parse(s.Target)))
            .ToList();

    public void Dispose() => _server.Stop();

    private static string Key(string name) => name.TrimEnd('.');

    private Task OnQueryAsync(object sender, QueryReceivedEventArgs e)
    {
        Interlocked.Increment(ref _queries);
        if (e.Query is not DnsMessage { Questions: [var question, ..] } query)
        {
            return Task.CompletedTask;
        }

        var response = query.CreateResponseInstance();
        if (_records.TryGetValue(Key(question.Name.ToString()), out var records))
        {
            response.ReturnCode = ReturnCode.NoError;
            response.AnswerRecords.AddRange(records.Where(r => r.RecordType == question.RecordType));
        }
        else
        {
            response.ReturnCode = ReturnCode.NxDomain;
        }

        e.Response = response;
        return Task.CompletedTask;
    }

    private static int FreeUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }
}
