using Broker.Core.Messaging;
using Broker.Core.Sessions.Journal;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

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
