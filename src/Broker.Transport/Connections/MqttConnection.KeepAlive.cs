using Broker.Transport.Channels;

namespace Broker.Transport.Connections;

public sealed partial class MqttConnection
{
    private long _lastReceivedMs;
    private DeadlineQueue.Deadline? _keepAliveCheck;

    /// <summary>
    /// One check at a time, due just after the channel's next deadline: the idle timeout before CONNECT, then
    /// 1.5 times the keep-alive after the last packet, or the end of the client's credentials if sooner. When it comes early (a packet came since), it is set
    /// again for the new deadline, so an active client costs one check per keep-alive period, not per packet.
    /// Set again once CONNECT is accepted: the keep-alive deadline may come long before the idle timeout's.
    /// The checks of all connections share the broker's <see cref="DeadlineQueue"/>: one timer per node.
    /// </summary>
    private void ScheduleKeepAliveCheck(long nowMs)
    {
        lock (_channelGate)
        {
            if (IsClosing || _channel.NextDeadlineMs(Volatile.Read(ref _lastReceivedMs)) is not { } deadline)
            {
                _keepAliveCheck?.Cancel();
                return;
            }

            // Expired means strictly past the deadline: check 1 ms after it, and never in the past.
            _keepAliveCheck ??= _context.KeepAliveDeadlines.Create(this);
            _keepAliveCheck.Schedule(Math.Max(deadline + 1, nowMs + 1));
        }
    }

    private void CancelKeepAliveCheck()
    {
        lock (_channelGate)
        {
            _keepAliveCheck?.Dispose();
        }
    }

    void DeadlineQueue.ITarget.DeadlineReached() => CheckKeepAlive();

    private void CheckKeepAlive()
    {
        var nowMs = NowMs();
        ChannelResult outcome;
        lock (_channelGate)
        {
            if (IsClosing)
            {
                return;
            }

            outcome = _channel.AreCredentialsExpired(nowMs) ? _channel.HandleCredentialsExpired()
                : _channel.IsKeepAliveExpired(Volatile.Read(ref _lastReceivedMs), nowMs) ? _channel.HandleKeepAliveExpired()
                : ChannelResult.None;
        }

        if (outcome.Close is not { } close)
        {
            ScheduleKeepAliveCheck(nowMs);
            return;
        }

        if (outcome.Reply is { } reply)
        {
            Enqueue(reply);
        }

        OnChannelClosed(close);
        _transport.Input.CancelPendingRead();
    }
}
