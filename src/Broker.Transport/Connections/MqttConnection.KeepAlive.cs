using Broker.Actors;
using Broker.Transport.Channels;

namespace Broker.Transport.Connections;

public sealed partial class MqttConnection
{
    private long _lastReceivedMs;
    private ICancelable? _keepAliveCheck;

    /// <summary>
    /// One timer at a time, due just after the channel's deadline: the idle timeout before CONNECT, then
    /// 1.5 times the keep-alive after the last packet. When it fires early (a packet came since), it is set
    /// again for the new deadline, so an active client costs one timer per keep-alive period, not per packet.
    /// Set again once CONNECT is accepted: the keep-alive deadline may come long before the idle timeout's.
    /// </summary>
    private void ScheduleKeepAliveCheck(long nowMs)
    {
        lock (_channelGate)
        {
            _keepAliveCheck?.Cancel();
            _keepAliveCheck = null;
            if (IsClosing || _channel.KeepAliveDeadlineMs(Volatile.Read(ref _lastReceivedMs)) is not { } deadline)
            {
                return;
            }

            // Expired means strictly past the deadline: check 1 ms after it.
            var delay = TimeSpan.FromMilliseconds(Math.Max(1, deadline - nowMs + 1));
            _keepAliveCheck = _context.System.Scheduler.ScheduleOnce(delay, CheckKeepAlive);
        }
    }

    private void CancelKeepAliveCheck()
    {
        lock (_channelGate)
        {
            _keepAliveCheck?.Cancel();
            _keepAliveCheck = null;
        }
    }

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

            outcome = _channel.IsKeepAliveExpired(Volatile.Read(ref _lastReceivedMs), nowMs)
                ? _channel.HandleKeepAliveExpired()
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
