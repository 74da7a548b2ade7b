using Broker.Core.Messaging;
using Broker.Core.Sessions.Journal;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

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

/// <summary>
/// One thing a <see cref="SessionState"/> handler decided must happen outside the state, as EMQX's emqx_session
/// returns <c>{set_timer, Name, Timeout}</c> instead of owning the timer. A small struct: three references and a
/// number, read through the members that name what each <see cref="Kind"/> carries; appending one to
/// <see cref="SessionEffects"/> allocates nothing.
/// </summary>
public readonly struct SessionEffect
{
    // Each timer boxed once, so that naming one in an effect allocates nothing.
    private static readonly object[] BoxedTimers = [SessionTimer.Retry, SessionTimer.AwaitRel, SessionTimer.Stall];
    private readonly object? _first;
    private readonly object? _second;
    private readonly object? _third;
    private readonly long _number;

    private SessionEffect(SessionEffectKind kind, object? first, object? second = null, object? third = null, long number = 0)
    {
        Kind = kind;
        _first = first;
        _second = second;
        _third = third;
        _number = number;
    }

    public SessionEffectKind Kind { get; }

    public MqttPacket Packet => (MqttPacket)_first!;

    /// <summary>Of <see cref="SessionEffectKind.Close"/>: null closes without a DISCONNECT.</summary>
    public ReasonCode? Reason => _number < 0 ? null : (ReasonCode)(byte)_number;

    public SessionEvent Event => (SessionEvent)_first!;

    public string Filter => (string)_first!;

    public SessionSubscription Subscription => (SessionSubscription)_second!;

    public bool Durable => _number != 0;

    public ApplicationMessage Message => (ApplicationMessage)_second!;

    public IInboundCredit? Credit => _first as IInboundCredit;

    public PublishCommit? Commit => _third as PublishCommit;

    public ushort PacketId => (ushort)_number;

    /// <summary>Of <see cref="SessionEffectKind.RedispatchShared"/>: the group's filter is <see cref="Filter"/>.</summary>
    public string ShareGroup => (string)_third!;

    public SessionTimer Timer => (SessionTimer)_first!;

    public long AtMs => _number;

    internal static SessionEffect Send(MqttPacket packet) => new(SessionEffectKind.Send, packet);

    internal static SessionEffect Close(ReasonCode? reason) => new(SessionEffectKind.Close, null, number: reason is { } code ? (byte)code : -1);

    internal static SessionEffect Record(SessionEvent @event) => new(SessionEffectKind.Record, @event);

    internal static SessionEffect AddRoute(string filter, SessionSubscription subscription, bool durable) =>
        new(SessionEffectKind.AddRoute, filter, subscription, number: durable ? 1 : 0);

    internal static SessionEffect RemoveRoute(string filter) => new(SessionEffectKind.RemoveRoute, filter);

    internal static SessionEffect Publish(ApplicationMessage message, IInboundCredit? credit, PublishCommit? commit, ushort packetId) =>
        new(SessionEffectKind.Publish, credit, message, commit, packetId);

    internal static SessionEffect GetRetained(string filter, SessionSubscription subscription) => new(SessionEffectKind.GetRetained, filter, subscription);

    internal static SessionEffect RedispatchShared(string shareGroup, string filter, ApplicationMessage message) =>
        new(SessionEffectKind.RedispatchShared, filter, message, shareGroup);

    internal static SessionEffect ReturnCredit(IInboundCredit credit) => new(SessionEffectKind.ReturnCredit, credit);

    internal static SessionEffect LeaveCommit(PublishCommit commit) => new(SessionEffectKind.LeaveCommit, null, third: commit);

    internal static SessionEffect StartTimer(SessionTimer timer, long atMs) => new(SessionEffectKind.StartTimer, BoxedTimers[(int)timer], number: atMs);

    internal static SessionEffect CancelTimer(SessionTimer timer) => new(SessionEffectKind.CancelTimer, BoxedTimers[(int)timer]);

    public override string ToString() => Kind switch
    {
        SessionEffectKind.Send => $"Send {Packet}",
        SessionEffectKind.Close => $"Close {Reason}",
        SessionEffectKind.Record => $"Record {Event}",
        SessionEffectKind.AddRoute or SessionEffectKind.RemoveRoute or SessionEffectKind.GetRetained => $"{Kind} {Filter}",
        SessionEffectKind.Publish => $"Publish {Message.Topic} #{PacketId}",
        SessionEffectKind.RedispatchShared => $"RedispatchShared {ShareGroup} {Message.Topic}",
        SessionEffectKind.StartTimer => $"StartTimer {Timer} at {AtMs}",
        SessionEffectKind.CancelTimer => $"CancelTimer {Timer}",
        _ => Kind.ToString(),
    };
}

/// <summary>
/// The effects a <see cref="SessionState"/> handler returns: a list of structs the state appends to and the actor
/// carries out in order, then clears. Carrying out an effect may hand a result back to the state
/// (<see cref="SessionState.Routed"/>, <see cref="SessionState.DeliverRetained"/>), whose effects are appended and
/// carried out in the same pass: a handler whose effect needs an answer makes it its last.
/// <para>
/// The array is the thread's while the list is empty: <see cref="Clear"/> leaves it as the thread's spare and the
/// next session to need one on that thread takes it, so that the hot path (a delivery, an acknowledgement, a client's
/// publish) allocates nothing for its effects, and an idle session holds no array. A session whose effects are run
/// while another's are (on the same thread) finds no spare and makes its own.
/// </para>
/// <para>
/// A mutable struct, a field of the state, so that a session pays for no object of its own: use it through
/// <see cref="SessionState.Effects"/>, which returns it by reference (<c>ref var effects = ref state.Effects</c>), never
/// through a copy.
/// </para>
/// </summary>
public struct SessionEffects
{
    // Larger ones (a reconnection that resent a long window) are left to the collector rather than kept per thread.
    private const int MaxSpareLength = 1024;
    private const int FirstLength = 8;

    [ThreadStatic]
    private static SessionEffect[]? t_spare;

    private SessionEffect[]? _items;
    private int _count;

    public readonly int Count => _count;

    public readonly ref readonly SessionEffect this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            return ref _items![index];
        }
    }

    /// <summary>Empties the list; its array becomes the thread's spare.</summary>
    public void Clear()
    {
        if (_items is not { } items)
        {
            return;
        }

        Array.Clear(items, 0, _count);
        _count = 0;
        _items = null;
        if (items.Length <= MaxSpareLength && (t_spare is not { } spare || spare.Length < items.Length))
        {
            t_spare = items;
        }
    }

    internal void Add(in SessionEffect effect)
    {
        if (_items is null || _count == _items.Length)
        {
            Grow();
        }

        _items![_count++] = effect;
    }

    private void Grow()
    {
        if (_items is not null)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }
        else if (t_spare is { } spare)
        {
            t_spare = null;
            _items = spare;
        }
        else
        {
            _items = new SessionEffect[FirstLength];
        }
    }
}
