namespace Broker.Core.Sessions;

/// <summary>
/// The session's timers, as effects: the state knows which it asked for (<see cref="SessionEffectKind.StartTimer"/>)
/// and not yet heard back from (<see cref="HandleTimeout"/>), so that after a handler it asks only for those not
/// running. Asking first spares the walk of the inflight window that finding the next 3.x retry costs, which a busy
/// QoS 1 subscriber would otherwise pay on every acknowledgement.
/// </summary>
public sealed partial class SessionState
{
    private byte _armedTimers;

    /// <summary>A timer this session asked for has fired: its work is done, and the timers it still needs are asked for.</summary>
    /// <param name="room">What the connection takes now.</param>
    public void HandleTimeout(SessionTimer timer, ConnectionRoom room, long nowMs)
    {
        Input(room);
        _armedTimers &= (byte)~Bit(timer);
        switch (timer)
        {
            case SessionTimer.Retry:
                RetryUnacknowledged(nowMs);
                break;
            case SessionTimer.AwaitRel:
                ExpireAwaitingRel(nowMs);
                break;
            case SessionTimer.Stall:
                CheckStalled(nowMs);
                break;
        }

        ArmTimers();
    }

    /// <summary>Asks for the retry, await-rel and stall timers at the earliest moment the state has work for each, unless asked for already.</summary>
    private void ArmTimers()
    {
        if (!IsArmed(SessionTimer.Retry) && NextRetryDueMs() is { } retryAt)
        {
            StartTimer(SessionTimer.Retry, retryAt);
        }

        if (!IsArmed(SessionTimer.AwaitRel) && NextAwaitRelExpiryMs() is { } expireAt)
        {
            StartTimer(SessionTimer.AwaitRel, expireAt);
        }

        if (!IsArmed(SessionTimer.Stall) && NextStallCheckMs() is { } stallAt)
        {
            StartTimer(SessionTimer.Stall, stallAt);
        }
    }

    private bool IsArmed(SessionTimer timer) => (_armedTimers & Bit(timer)) != 0;

    private void StartTimer(SessionTimer timer, long atMs)
    {
        _armedTimers |= Bit(timer);
        _effects.Add(SessionEffect.StartTimer(timer, atMs));
    }

    private void CancelTimer(SessionTimer timer)
    {
        if (IsArmed(timer))
        {
            _armedTimers &= (byte)~Bit(timer);
            _effects.Add(SessionEffect.CancelTimer(timer));
        }
    }

    private static byte Bit(SessionTimer timer) => (byte)(1 << (int)timer);
}
