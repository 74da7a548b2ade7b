using Broker.Core.Messaging;
using Broker.Mqtt;

namespace Broker.Core.Sessions;

/// <summary>
/// Carrying out what <see cref="SessionState"/> decided: after every input the actor runs the state's effects in
/// the order they were appended, then clears the list. Two effects hand an answer back to the state, whose own
/// effects are appended and run in the same pass: a QoS 1/2 publish (the commit and the number of deliveries, for
/// its acknowledgement: <see cref="SessionState.Routed"/>) and a retained lookup (each message:
/// <see cref="SessionState.DeliverRetained"/>).
/// </summary>
public sealed partial class SessionActor
{
    /// <summary>
    /// Runs the effects of the input just handled; then, while the sends of the last ones used up the room the
    /// state was given and the connection takes more still (it wrote some meanwhile), the queue goes on draining.
    /// </summary>
    private void RunEffects()
    {
        RunEffectsOnce();
        while (_state.RoomRanOut && _connection is { IsWritable: true } connection)
        {
            _state.Drain(connection.Room, Now);
            RunEffectsOnce();
        }
    }

    private void RunEffectsOnce()
    {
        ref var effects = ref _state.Effects;
        try
        {
            for (var i = 0; i < effects.Count; i++)
            {
                // A copy: running an effect may append more, and the list may move to a larger array meanwhile.
                var effect = effects[i];
                Run(in effect);
            }
        }
        finally
        {
            // An effect that threw ends the turn as a throwing handler did: what followed it is not carried out later.
            effects.Clear();
        }
    }

    private void Run(in SessionEffect effect)
    {
        switch (effect.Kind)
        {
            case SessionEffectKind.Send:
                _connection?.Send(effect.Packet);
                break;
            case SessionEffectKind.Close:
                _connection?.Close(effect.Reason);
                break;
            case SessionEffectKind.Record:
                RecordEvent(effect.Event);
                break;
            case SessionEffectKind.AddRoute:
                var subscription = effect.Subscription;
                _router.Subscribe(ClientId, Self, effect.Filter, subscription.Options, subscription.SubscriptionId, effect.Durable, _state);
                break;
            case SessionEffectKind.RemoveRoute:
                _router.Unsubscribe(ClientId, effect.Filter);
                break;
            case SessionEffectKind.Publish:
                Publish(effect.Message, effect.Credit, effect.Commit, effect.PacketId);
                break;
            case SessionEffectKind.GetRetained:
                foreach (var message in _router.GetRetained(effect.Filter))
                {
                    _state.DeliverRetained(message, effect.Filter, effect.Subscription, Now);
                }

                break;
            case SessionEffectKind.RedispatchShared:
                _router.RedispatchShared(effect.ShareGroup, effect.Filter, effect.Message, ClientId);
                break;
            case SessionEffectKind.ReturnCredit:
                effect.Credit?.Return();
                break;
            case SessionEffectKind.LeaveCommit:
                effect.Commit?.Succeed();
                break;
            case SessionEffectKind.StartTimer:
                StartTimer(TimerKey(effect.Timer), TimerTick(effect.Timer), Delay(effect.AtMs));
                break;
            case SessionEffectKind.CancelTimer:
                CancelTimer(TimerKey(effect.Timer));
                break;
        }
    }

    /// <summary>A client's publish: QoS 0 is routed; QoS 1/2 with a commit (the state's to reuse, or a new one of this session's) that the state then seals.</summary>
    private void Publish(ApplicationMessage message, IInboundCredit? credit, PublishCommit? commit, ushort packetId)
    {
        if (message.QoS == QualityOfService.AtMostOnce)
        {
            _router.Publish(message, credit, null);
            return;
        }

        commit ??= new PublishCommit(Self, _state.AcknowledgeAfterCommit).Begin(packetId);
        var delivered = _router.Publish(message, credit, commit);
        _state.Routed(message, commit, delivered);
    }

    private static object TimerKey(SessionTimer timer) => timer switch
    {
        SessionTimer.Retry => RetryKey,
        SessionTimer.AwaitRel => AwaitRelKey,
        _ => StallKey,
    };

    private static Tick TimerTick(SessionTimer timer) => timer switch
    {
        SessionTimer.Retry => Tick.Retry,
        SessionTimer.AwaitRel => Tick.AwaitRel,
        _ => Tick.Stall,
    };
}
