using System.Net;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Transport.Channels;

namespace Broker.Transport.Connections;

/// <summary>
/// The connection's reports to <see cref="BrokerContext.Events"/> (the <c>$SYS</c> client events). With none configured
/// it holds no client record and each report is one null check.
/// </summary>
public sealed partial class MqttConnection
{
    // Set once the session opened, and only when somebody hears of it: what the disconnect and subscription reports repeat.
    private ConnectedClient? _reported;

    // The reason the broker gave when it closed the connection (a takeover, a shutdown, a kick); null when it did not.
    private ReasonCode? _closeReason;

    private void ReportConnected(OpenSession open)
    {
        if (_context.Events is not { } events)
        {
            return;
        }

        var remote = _metadata.RemoteEndPoint as IPEndPoint;
        var request = open.Request;
        _reported = new ConnectedClient(
            request.ClientId,
            request.UserName,
            remote?.Address is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : remote?.Address,
            remote?.Port ?? 0,
            (_metadata.LocalEndPoint as IPEndPoint)?.Port ?? 0,
            request.ProtocolVersion,
            _channel.KeepAliveSeconds,
            request.CleanStart,
            request.SessionExpirySeconds,
            NowMs());
        events.Connected(_reported);
    }

    private void ReportSubscriptions(object command)
    {
        if (_reported is not { } client || _context.Events is not { ReportsSubscriptions: true } events)
        {
            return;
        }

        switch (command)
        {
            case ClientSubscribe subscribe:
                for (var i = 0; i < subscribe.Packet.Subscriptions.Count; i++)
                {
                    if (subscribe.Refused[i] is null)
                    {
                        events.Subscribed(client, subscribe.Packet.Subscriptions[i]);
                    }
                }

                break;
            case ClientUnsubscribe unsubscribe:
                foreach (var filter in unsubscribe.Packet.TopicFilters)
                {
                    events.Unsubscribed(client, filter);
                }

                break;
        }
    }

    private void ReportDisconnected()
    {
        if (_reported is { } client)
        {
            _context.Events?.Disconnected(client, DisconnectReason(), NowMs());
        }
    }

    /// <summary>EMQX's names for why a client went (its <c>client.disconnected</c> reasons).</summary>
    private string DisconnectReason()
    {
        ChannelClose? close;
        lock (_channelGate)
        {
            close = _channel.Closed;
        }

        return close?.Cause switch
        {
            CloseCause.ClientDisconnect => "normal",
            CloseCause.KeepAliveTimeout => "keepalive_timeout",
            CloseCause.MalformedPacket => "frame_error",
            CloseCause.ProtocolError => "protocol_error",
            CloseCause.CredentialsExpired => "auth_expired",
            not null => "internal_error",
            null => _closeReason switch
            {
                ReasonCode.SessionTakenOver => "takenover",
                ReasonCode.ServerShuttingDown => "shutdown",
                ReasonCode.AdministrativeAction => "kicked",
                null => "tcp_closed",
                _ => "discarded",
            },
        };
    }
}
