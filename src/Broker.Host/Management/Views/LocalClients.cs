using System.Net;
using Broker.Actors;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Transport.Connections;

namespace Broker.Host.Management.Views;

/// <summary>
/// This node's clients, as its answers to the cluster queries of <c>/api/v5/clients</c> see them: the live connections
/// (from the <see cref="ConnectionTracker"/>, in its order, filtered on what each connection holds), then the sessions
/// whose client is away (the registry's client ids without a connection here). Nothing is sorted: a page is a slice of
/// that walk. A session's own fields (counters, subscriptions) are asked of the sessions of the page only, through the
/// registry, so a listing costs one walk of the connections and one message per client shown.
/// </summary>
internal sealed class LocalClients(BrokerRuntime runtime)
{
    private static readonly TimeSpan SessionBound = TimeSpan.FromSeconds(3);

    private IActorRef Registry => runtime.Context.Sessions;

    public async Task<int> CountAsync(ClientFilter filter, CancellationToken cancellationToken) =>
        (await SelectAsync(filter, cancellationToken).ConfigureAwait(false)).Count;

    public async Task<ClientJson[]> PageAsync(ClientFilter filter, int offset, int limit, CancellationToken cancellationToken)
    {
        var selected = await SelectAsync(filter, cancellationToken).ConfigureAwait(false);
        var page = selected.Skip(offset).Take(limit).ToList();
        var rows = await Task.WhenAll(page.Select(clientId => GetAsync(clientId, cancellationToken))).ConfigureAwait(false);
        return [.. rows.OfType<ClientJson>()];
    }

    /// <summary>The client's row when its session lives here; null otherwise (or when it ended meanwhile).</summary>
    public async Task<ClientJson?> GetAsync(string clientId, CancellationToken cancellationToken) =>
        await InfoAsync(clientId, GetSessionInfo.Plain, cancellationToken).ConfigureAwait(false) is { } info ? Row(info) : null;

    private const int SessionsAskedAtOnce = 64;

    public async Task<SessionInfo?> InfoAsync(string clientId, GetSessionInfo get, CancellationToken cancellationToken) =>
        await AskSessionAsync(clientId, get, cancellationToken).ConfigureAwait(false) as SessionInfo;

    /// <summary>The session's answer to <paramref name="message"/>, <see cref="NoSuchSession"/> when none lives here, or null when it did not answer.</summary>
    public async Task<object?> AskSessionAsync(string clientId, object message, CancellationToken cancellationToken)
    {
        try
        {
            return await Registry.Ask<object>(new ToSession(clientId, message), SessionBound, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// The client ids the filter selects, connected ones first. Sessions whose client is away are asked for their last
    /// CONNECT only when a filter needs it (username, protocol, clean start, connected at); the address of a client that
    /// is away is not known, so an ip_address filter selects connected clients only.
    /// </summary>
    private async Task<List<string>> SelectAsync(ClientFilter filter, CancellationToken cancellationToken)
    {
        var selected = new List<string>();
        var connected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var connection in runtime.Context.Connections.Snapshot())
        {
            if (connection.Request is not { } request || connection.Session is null || connection.IsClosed)
            {
                continue;
            }

            connected.Add(request.ClientId);
            if (filter.Connected != false && Matches(filter, request, connection.ConnectedAtMs, Address(connection.RemoteEndPoint)))
            {
                selected.Add(request.ClientId);
            }
        }

        if (filter.Connected == true || filter.IpAddress is not null)
        {
            return selected;
        }

        var sessions = await Registry.Ask<SessionList>(ListSessions.Instance, SessionBound, cancellationToken).ConfigureAwait(false);
        var away = sessions.ClientIds.Where(id => !connected.Contains(id) && MatchesClientId(filter, id)).ToList();
        if (!filter.NeedsSessionInfo)
        {
            selected.AddRange(away);
            return selected;
        }

        // What only the session knows (its username, protocol, times): asked of each away session, a bounded number at
        // a time, so that a list of many does not flood the registry, which CONNECTs go through too.
        var infos = new SessionInfo?[away.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, away.Count),
            new ParallelOptions { MaxDegreeOfParallelism = SessionsAskedAtOnce, CancellationToken = cancellationToken },
            async (i, token) => infos[i] = await InfoAsync(away[i], GetSessionInfo.Plain, token).ConfigureAwait(false)).ConfigureAwait(false);
        selected.AddRange(infos.Where(i => i is { Connection: null, LastConnect: { } last } && Matches(filter, last, i.ConnectedAtMs ?? 0, null)).Select(i => i!.Stats.ClientId));
        return selected;
    }

    private static bool Matches(ClientFilter filter, ConnectRequest request, long connectedAtMs, string? address) =>
        MatchesClientId(filter, request.ClientId)
        && (filter.Username is null || filter.Username == request.UserName)
        && (filter.LikeUsername is null || request.UserName?.Contains(filter.LikeUsername, StringComparison.Ordinal) == true)
        && (filter.IpAddress is null || filter.IpAddress == address)
        && (filter.ProtoVer is null || filter.ProtoVer == (int)request.ProtocolVersion)
        && (filter.CleanStart is null || filter.CleanStart == request.CleanStart)
        && (filter.GteConnectedAt is null || connectedAtMs >= filter.GteConnectedAt)
        && (filter.LteConnectedAt is null || connectedAtMs <= filter.LteConnectedAt);

    private static bool MatchesClientId(ClientFilter filter, string clientId) =>
        (filter.Clientid is null || filter.Clientid == clientId)
        && (filter.LikeClientid is null || clientId.Contains(filter.LikeClientid, StringComparison.Ordinal));

    private ClientJson Row(SessionInfo info)
    {
        var stats = info.Stats;
        var last = info.LastConnect;
        var connection = info.Connection as MqttConnection;
        var endPoint = connection?.RemoteEndPoint as IPEndPoint;
        var totals = connection?.Totals;
        return new ClientJson
        {
            Clientid = stats.ClientId,
            Username = last?.UserName,
            Node = runtime.NodeName,
            IpAddress = Address(endPoint),
            Port = endPoint?.Port,
            Connected = info.Connection is not null,
            ConnectedAt = Time(info.ConnectedAtMs),
            DisconnectedAt = info.Connection is null ? Time(info.DisconnectedAtMs) : null,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(info.CreatedAtMs),
            Keepalive = connection?.KeepAliveSeconds,
            CleanStart = last?.CleanStart ?? false,
            ExpiryInterval = info.ExpirySeconds,
            ProtoVer = (int)(last?.ProtocolVersion ?? MqttProtocolVersion.V311),
            SubscriptionsCnt = stats.Subscriptions,
            InflightCnt = stats.Inflight,
            InflightMax = info.MaxInflight,
            MqueueLen = stats.Queued,
            MqueueMax = info.MaxQueue,
            MqueueDropped = stats.DroppedMessages,
            AwaitingRelCnt = stats.AwaitingRel,
            RecvOct = totals?.BytesReceived,
            SendOct = totals?.BytesSent,
        };
    }

    private static string? Address(EndPoint? endPoint) =>
        endPoint is IPEndPoint { Address: var address } ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : null;

    private static DateTimeOffset? Time(long? unixMs) => unixMs is { } ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
