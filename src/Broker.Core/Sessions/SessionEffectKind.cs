namespace Broker.Core.Sessions;

/// <summary>What one <see cref="SessionEffect"/> asks of the session actor.</summary>
public enum SessionEffectKind : byte
{
    /// <summary>Write <see cref="SessionEffect.Packet"/> to the current connection.</summary>
    Send,

    /// <summary>Close the current connection, with <see cref="SessionEffect.Reason"/> (a DISCONNECT on 5.0) when one is given.</summary>
    Close,

    /// <summary>Record <see cref="SessionEffect.Event"/> in this turn's journal write (a durable session only).</summary>
    Record,

    /// <summary>Put <see cref="SessionEffect.Filter"/> with <see cref="SessionEffect.Subscription"/> in the router (<see cref="SessionEffect.Durable"/>: kept in storage).</summary>
    AddRoute,

    /// <summary>Take <see cref="SessionEffect.Filter"/> out of the router.</summary>
    RemoveRoute,

    /// <summary>
    /// Route <see cref="SessionEffect.Message"/> with the publisher's <see cref="SessionEffect.Credit"/>. A QoS 1/2
    /// message carries its <see cref="SessionEffect.PacketId"/> and, when the state has one to reuse, a begun
    /// <see cref="SessionEffect.Commit"/>; the actor makes one otherwise, and hands the commit and the number of
    /// deliveries back to <see cref="SessionState.Routed"/>, which acknowledges.
    /// </summary>
    Publish,

    /// <summary>Look up the retained messages of <see cref="SessionEffect.Filter"/> and hand each to <see cref="SessionState.DeliverRetained"/>.</summary>
    GetRetained,

    /// <summary>Give <see cref="SessionEffect.Message"/> of <see cref="SessionEffect.ShareGroup"/> to another member of the group.</summary>
    RedispatchShared,

    /// <summary>Return one of a publishing connection's inbound credits (<see cref="SessionEffect.Credit"/>).</summary>
    ReturnCredit,

    /// <summary>Leave <see cref="SessionEffect.Commit"/> as a participant that succeeded; the last to leave tells the publisher.</summary>
    LeaveCommit,

    /// <summary>Start <see cref="SessionEffect.Timer"/> to fire at <see cref="SessionEffect.AtMs"/>.</summary>
    StartTimer,

    /// <summary>Cancel <see cref="SessionEffect.Timer"/>.</summary>
    CancelTimer,
}
