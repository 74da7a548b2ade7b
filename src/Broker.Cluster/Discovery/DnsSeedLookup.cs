using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace Broker.Cluster.Discovery;

/// <summary>
/// Looks up <see cref="DnsDiscoverySettings.Name"/> once per call, through DnsClient: A records (AAAA when the name has
/// none) as addresses at this node's cluster port, or SRV records as target and port. No cache: every lookup asks the
/// name server, since what changes between lookups (nodes coming up) is what the node is waiting for. Never throws for
/// a DNS failure: the result says what went wrong, for the node to log and try again.
/// </summary>
internal sealed class DnsSeedLookup(DnsDiscoverySettings settings, int clusterPort)
{
    private LookupClient? _client;

    /// <summary>"DNS name broker.default.svc.cluster.local (SRV records)", for log lines.</summary>
    public string Describe { get; } =
        $"DNS name {settings.Name} ({(settings.RecordType == DnsRecordType.Srv ? "SRV" : "A")} records" +
        (string.IsNullOrWhiteSpace(settings.Server) ? ")" : $" from {settings.Server.Trim()})");

    public async Task<SeedLookupResult> LookupAsync(CancellationToken cancellationToken)
    {
        try
        {
            _client ??= await CreateClientAsync(cancellationToken).ConfigureAwait(false);
            return settings.RecordType == DnsRecordType.Srv
                ? await ServicesAsync(_client, cancellationToken).ConfigureAwait(false)
                : await AddressesAsync(_client, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException e)
        {
            // The exception's message carries the query's random id: the same failure would read as news each time.
            return SeedLookupResult.Nothing(e.Code == DnsResponseCode.ConnectionTimeout
                ? $"no answer from the name server within {settings.QueryTimeout.TotalSeconds:0.#}s"
                : e.DnsError);
        }
        catch (Exception e) when (e is SocketException or ArgumentException or InvalidOperationException)
        {
            return SeedLookupResult.Nothing(e.Message);
        }
    }

    private async Task<SeedLookupResult> AddressesAsync(LookupClient client, CancellationToken cancellationToken)
    {
        var v4 = await client.QueryAsync(settings.Name, QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        var seeds = v4.Answers.ARecords().Select(r => SeedAddress.Of(r.Address, clusterPort)).ToList();
        if (seeds.Count > 0 || v4.HasError)
        {
            return seeds.Count > 0 ? SeedLookupResult.Found(seeds) : SeedLookupResult.Nothing(Problem(v4));
        }

        var v6 = await client.QueryAsync(settings.Name, QueryType.AAAA, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        seeds = v6.Answers.AaaaRecords().Select(r => SeedAddress.Of(r.Address, clusterPort)).ToList();
        return seeds.Count > 0 ? SeedLookupResult.Found(seeds) : SeedLookupResult.Nothing(v6.HasError ? Problem(v6) : "no A or AAAA records");
    }

    private async Task<SeedLookupResult> ServicesAsync(LookupClient client, CancellationToken cancellationToken)
    {
        var response = await client.QueryAsync(settings.Name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        var seeds = response.Answers.SrvRecords()
            .Where(r => r.Port > 0 && r.Target.Value is not (null or "" or "."))
            .Select(r => SeedAddress.Of(r.Target.Value, r.Port))
            .ToList();
        return seeds.Count > 0
            ? SeedLookupResult.Found(seeds)
            : SeedLookupResult.Nothing(response.HasError ? Problem(response) : "no SRV records");
    }

    private static string Problem(IDnsQueryResponse response) =>
        $"the name server answered: {response.ErrorMessage}";

    private async Task<LookupClient> CreateClientAsync(CancellationToken cancellationToken)
    {
        var options = string.IsNullOrWhiteSpace(settings.Server)
            ? new LookupClientOptions()
            : new LookupClientOptions(await ServerEndPointsAsync(settings.Server, cancellationToken).ConfigureAwait(false));
        options.UseCache = false;
        options.Timeout = settings.QueryTimeout;
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        return new LookupClient(options);
    }

    private static async Task<IPEndPoint[]> ServerEndPointsAsync(string server, CancellationToken cancellationToken)
    {
        if (!NameServerAddress.TryParse(server, out var host, out var port))
        {
            throw new ArgumentException($"the name server '{server}' is not host or host:port");
        }

        var addresses = IPAddress.TryParse(host, out var ip)
            ? [ip]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.Select(a => new IPEndPoint(a, port)).ToArray();
    }
}
