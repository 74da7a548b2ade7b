using System.IO.Pipelines;
using Broker.Actors;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authorization;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Transport.Channels;
using Microsoft.Extensions.Logging;

namespace Broker.Transport.Connections;

public sealed partial class MqttConnection
{
    // At most this many messages read from this connection wait in sessions' mailboxes (its own session's
    // ClientPublish, the subscribers' Deliver) before the connection stops reading; it resumes at the low mark.
    // See InboundWindow.
    internal const int InboundHighWater = 1000;
    internal const int InboundLowWater = 500;

    private readonly InboundWindow _inbound = new(InboundHighWater, InboundLowWater);

    // The bytes of the whole packets read: written by the read loop alone, read by the metrics (ConnectionTotals).
    private long _bytesReceived;

    /// <summary>The longest a new connection waits for its turn under <c>max_conn_rate</c>; well inside a client's connect timeout.</summary>
    internal static readonly TimeSpan MaxConnectionRateWait = TimeSpan.FromSeconds(5);

    private bool IsClosing => Volatile.Read(ref _closeRequested) == 1;

    /// <summary>
    /// Kestrel's loop: read, hand what was read to <see cref="HandleReadAsync"/>, read again. Ends at end of stream,
    /// on a transport error, when the channel closes, or when <see cref="Close"/> cancels the pending read; then
    /// ends the connection.
    /// </summary>
    private async Task ReadLoopAsync()
    {
        var input = _transport.Input;
        try
        {
            if (_limits.Connections is { } connections)
            {
                // Past the longest wait the listener's rate allows, the connection is closed before its CONNECT is read.
                if (connections.TakeShared(1, _context.Time.GetUtcNow().UtcTicks, MaxConnectionRateWait) is not { } wait)
                {
                    _logger.LogDebug("{Connection}: closed unserved, max_conn_rate reached", this);
                    return;
                }

                if (!await ThrottleAsync(wait).ConfigureAwait(false))
                {
                    return;
                }
            }

            while (!IsClosing)
            {
                // No cancellation token: Kestrel's ConnectionClosed fires at the client's FIN, while what it sent
                // before (PUBLISHes, then DISCONNECT) may still be in the pipe. The pipe itself ends when read out.
                var result = await input.ReadAsync().ConfigureAwait(false);
                if (!await HandleReadAsync(input, result).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The transport aborted or reset the connection: the network failed, which the session hears as Abnormal.
            _logger.LogDebug("{Connection}: the transport ended: {Message}", this, e.Message);
        }
        finally
        {
            await EndAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Decodes every whole packet of one read and hands each to the channel, then <c>AdvanceTo(consumed, examined)</c>
    /// in <c>finally</c> so that a partial packet stays buffered. A method of its own so that the buffer's positions
    /// are kept only while a packet waits (for its session to open, for inbound credit): the read loop that an idle
    /// connection keeps holds none of them (memory per idle connection).
    /// </summary>
    /// <returns>false when reading is to stop.</returns>
    private async ValueTask<bool> HandleReadAsync(PipeReader input, ReadResult result)
    {
        var buffer = result.Buffer;
        var consumed = buffer.Start;
        try
        {
            if (result.IsCanceled)
            {
                return false;
            }

            var nowMs = NowMs();
            while (!IsClosing)
            {
                var before = buffer.Length;
                var status = _decoder.TryDecode(ref buffer, out var packet, out var error);
                if (status == DecodeStatus.Incomplete)
                {
                    break;
                }

                consumed = buffer.Start;
                _bytesReceived += before - buffer.Length;
                Volatile.Write(ref _lastReceivedMs, nowMs);
                if (status == DecodeStatus.Decoded && _context.Traces.Active is { Length: > 0 } traces)
                {
                    // A topic trace matches the topic an alias stands for, as the channel is about to resolve it.
                    Trace(traces, PacketDirection.Received, packet is PublishPacket { Topic.Length: 0 } aliased
                        ? aliased with { Topic = _channel.InboundTopic(aliased) }
                        : packet!);
                }

                ChannelResult outcome;
                lock (_channelGate)
                {
                    outcome = status == DecodeStatus.Decoded
                        ? _channel.HandleIn(packet!, nowMs)
                        : _channel.HandleDecodeError(error, _decoder.ProtocolVersion);
                    if (_version == MqttProtocolVersion.Unknown)
                    {
                        _version = _channel.ProtocolVersion;
                    }
                }

                // The packet's payload is a slice of this buffer: the channel copied what outlives the read.
                if (!await CarryOutAsync(outcome).ConfigureAwait(false))
                {
                    return false;
                }

                if (packet is PublishPacket && (_messageBucket is not null || _byteBucket is not null))
                {
                    if (!await ThrottleAsync(PublishWait(before - buffer.Length)).ConfigureAwait(false))
                    {
                        return false;
                    }

                    // The packets after the wait arrived no later than now, not when this read began.
                    nowMs = NowMs();
                }
            }

            // End of stream, possibly inside a packet: the client went away without DISCONNECT.
            return !result.IsCompleted;
        }
        finally
        {
            input.AdvanceTo(consumed, buffer.End);
        }
    }

    /// <returns>false when the connection is to stop reading.</returns>
    private async ValueTask<bool> CarryOutAsync(ChannelResult outcome)
    {
        if (outcome.Reply is { } reply)
        {
            Enqueue(reply);
        }

        switch (outcome.Command)
        {
            case null:
                break;
            case AuthenticateConnect authenticate:
                // Reading waits for the chain, so nothing the client sends after CONNECT is handled before the answer.
                var answer = await AuthenticateAsync(authenticate).ConfigureAwait(false);
                // Closed meanwhile (a shutdown, the idle timeout): no session is opened for a connection that is gone.
                return !IsClosing && await CarryOutAsync(answer).ConfigureAwait(false);
            case StartAuthentication start:
                // Reading waits for the step's first answer too: the client's next AUTH must find the exchange it continues.
                var started = await StartAuthenticationAsync(start).ConfigureAwait(false);
                return !IsClosing && await CarryOutAsync(started).ConfigureAwait(false);
            case CheckAuthorization check:
                // Reading waits for the source, so the client's next packet is handled after this one, as EMQX's channel
                // process waits for its HTTP call.
                var authorized = await AuthorizeAsync(check).ConfigureAwait(false);
                return !IsClosing && await CarryOutAsync(authorized).ConfigureAwait(false);
            case OpenSession open:
                if (!await OpenSessionAsync(open).ConfigureAwait(false))
                {
                    return false;
                }

                ReportConnected(open);

                // The timer set for the idle timeout before CONNECT now follows the negotiated keep-alive [MQTT-3.1.2-24].
                ScheduleKeepAliveCheck(NowMs());

                break;
            case var command:
                if (_session is not { } session)
                {
                    break;
                }

                // The credit is taken before the Tell: the session may return it before this line runs again.
                // An idle session handles the packet on this thread: no thread-pool hop between socket and session.
                var publish = command as ClientPublish;
                var full = publish is not null && _inbound.Add();
                // Before the Tell: the session may hand the message on, and nothing of it is read after.
                var qos = publish?.Message.QoS;
                session.TellAndRun(command);
                ReportSubscriptions(command);
                if (qos is { } received)
                {
                    _context.Metrics.MessageReceived(received);
                }

                if (full)
                {
                    // Only while waiting does the transport's end matter: it opens the window so that reading ends.
                    // Registered here, not for the connection's life: a registration would cost every idle connection memory.
                    await using (_aborted.UnsafeRegister(static state => ((InboundWindow)state!).Open(), _inbound).ConfigureAwait(false))
                    {
                        await _inbound.WaitAsync().ConfigureAwait(false);
                    }

                    // The client kept sending while the connection did not read: not idle [MQTT-3.1.2-24].
                    Volatile.Write(ref _lastReceivedMs, NowMs());
                }

                break;
        }

        if (outcome.Close is { } close)
        {
            OnChannelClosed(close);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reading waits while the registry opens the session, so that whatever the client sent after CONNECT
    /// reaches the session that now exists, in order, after the CONNACK it sends first. The session answers
    /// to a <see cref="SessionOpening"/>, which sets <c>_session</c> before reading resumes, or, after
    /// <see cref="SessionOpenTimeout"/>, closes the connection and resumes it with false.
    /// </summary>
    private ValueTask<bool> OpenSessionAsync(OpenSession open)
    {
        var opening = new SessionOpening(_context.System, _context.SessionOpenTimeouts, this);
        var opened = opening.Start();
        // An idle registry opens the session on this thread, and the session it creates runs next on it too.
        _context.Sessions.TellAndRun(open, opening);
        return opened;
    }

    /// <summary>How long this client's PUBLISH rates say to wait before reading on: the longer of the two.</summary>
    private TimeSpan PublishWait(long bytes)
    {
        var nowTicks = _context.Time.GetUtcNow().UtcTicks;
        var messages = _messageBucket?.Take(1, nowTicks) ?? TimeSpan.Zero;
        var size = _byteBucket?.Take(bytes, nowTicks) ?? TimeSpan.Zero;
        return messages > size ? messages : size;
    }

    /// <summary>
    /// A limited client is slowed down, not refused: reading stops for <paramref name="wait"/>, the pipe fills, and TCP
    /// holds the client back. False when the connection ended meanwhile.
    /// </summary>
    private async ValueTask<bool> ThrottleAsync(TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero)
        {
            return true;
        }

        try
        {
            await Task.Delay(wait, _context.Time, _aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        // Held back by the broker, not idle [MQTT-3.1.2-24].
        Volatile.Write(ref _lastReceivedMs, NowMs());
        return !IsClosing;
    }

    /// <summary>
    /// Runs the authentication chain (unless an enhanced authentication decided already) and reads the client's rules;
    /// the channel turns the outcome into the session's opening or a refusing CONNACK.
    /// </summary>
    private async ValueTask<ChannelResult> AuthenticateAsync(AuthenticateConnect authenticate)
    {
        // An enhanced authentication decided in the channel: only the rules are left to fetch.
        var outcome = authenticate.Decided
            ?? await _context.Security.Authentication.AuthenticateAsync(authenticate.Credentials, _aborted).ConfigureAwait(false);
        ClientRules? rules = null;
        if (!outcome.Allowed)
        {
            // Debug: a client retrying bad credentials in a loop must not be able to flood the log (the refusal is counted).
            _logger.LogDebug("{Connection}: client {ClientId} refused: {Detail}", this, authenticate.Credentials.Client.ClientId, outcome.Detail);
        }
        else if (_context.Security.Authorizer is { LoadsRules: true } authorizer)
        {
            // Off the read path, once: the checks of every PUBLISH after this read what was fetched here.
            rules = await authorizer.LoadRulesAsync(MqttChannel.Admitted(authenticate, outcome), _aborted).ConfigureAwait(false);
            foreach (var failure in rules.Failures)
            {
                // Debug, as refusals are: a reconnect storm while the database is away must not flood the log.
                _logger.LogDebug("{Connection}: the rules of client {ClientId} could not be read, it is refused (0x89): {Failure}",
                    this, authenticate.Credentials.Client.ClientId, failure);
            }
        }

        lock (_channelGate)
        {
            return _channel.Authenticated(authenticate, outcome, rules);
        }
    }

    /// <summary>
    /// Asks the sources a check waits for, then hands the decision to the channel; again while the channel asks for more
    /// (the next filters of a SUBSCRIBE), in a loop rather than a recursion, since a SUBSCRIBE may hold many.
    /// </summary>
    private async ValueTask<ChannelResult> AuthorizeAsync(CheckAuthorization check)
    {
        while (true)
        {
            var answer = await check.AskAsync(_aborted).ConfigureAwait(false);
            if (answer.Failure is { } failure)
            {
                // Debug, as the other failures of a client's path: a service that is down must not flood the log.
                _logger.LogDebug("{Connection}: authorization passed over a source for {Action} {Topic}: {Failure}", this, check.Action, check.Topic, failure);
            }

            // The client may have sent more while the connection did not read: held, not idle [MQTT-3.1.2-24].
            var nowMs = NowMs();
            Volatile.Write(ref _lastReceivedMs, nowMs);
            ChannelResult next;
            lock (_channelGate)
            {
                next = _channel.Authorized(check, answer.Decision);
            }

            if (next.Command is not CheckAuthorization again)
            {
                // The check the channel cancelled while it waited follows the keep-alive again.
                ScheduleKeepAliveCheck(nowMs);
                return next;
            }

            check = again;
        }
    }

    /// <summary>The first step of an enhanced authentication, off the read path; the channel answers the client with it.</summary>
    private async ValueTask<ChannelResult> StartAuthenticationAsync(StartAuthentication start)
    {
        var step = await AuthenticationChain.StartExchangeAsync(start.Step, start.Data, _aborted).ConfigureAwait(false);
        lock (_channelGate)
        {
            return _channel.AuthenticationStarted(start, step);
        }
    }

    /// <summary>Counts and logs why the channel closed, then lets the writer send what was queued and end.</summary>
    private void OnChannelClosed(ChannelClose close)
    {
        switch (close.Cause)
        {
            case CloseCause.MalformedPacket:
                _context.Metrics.MalformedPacket();
                break;
            case CloseCause.ProtocolError:
                _context.Metrics.ProtocolError();
                break;
            case CloseCause.ConnectRefused:
                _context.Metrics.ConnectionRefused();
                break;
        }

        if (close.Cause != CloseCause.ClientDisconnect)
        {
            // Debug, once per connection: a misbehaving client must not be able to flood the log.
            _logger.LogDebug(
                "{Connection}: closing, {Cause} 0x{Reason:X2}: {Detail}",
                this, close.Cause, (byte)close.Reason, close.Detail);
        }

        Volatile.Write(ref _closeRequested, 1);
        CompleteOutbox();
        _inbound.Open();
    }
}
