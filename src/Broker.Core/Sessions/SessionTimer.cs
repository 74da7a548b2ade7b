namespace Broker.Core.Sessions;

/// <summary>The timers a <see cref="SessionState"/> asks for; the actor owns them and reports each with <see cref="SessionState.HandleTimeout"/>.</summary>
public enum SessionTimer : byte
{
    /// <summary>3.x: resend what waited <c>retry_interval</c> for its acknowledgement.</summary>
    Retry,

    /// <summary>Forget inbound QoS 2 ids that waited <c>await_rel_timeout</c> for PUBREL.</summary>
    AwaitRel,

    /// <summary>Look whether a subscriber that holds its publishers back has stalled (<c>slow_subscriber_timeout</c>).</summary>
    Stall,
}
