using Broker.Mqtt;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// The action part of a rule: <c>publish</c>, <c>subscribe</c> or <c>all</c>, optionally narrowed by
/// <c>[{qos, 0..2 | [..]}, {retain, true | false | all}]</c>. A SUBSCRIBE is checked on its QoS only, as EMQX does.
/// </summary>
/// <param name="QosMask">Bit n set: QoS n matches. Every QoS when the rule names none.</param>
/// <param name="Retain">null: either flag matches.</param>
internal sealed record ActionCondition(bool Publish, bool Subscribe, int QosMask, bool? Retain)
{
    public const int AnyQos = 0b111;

    public static readonly ActionCondition All = new(true, true, AnyQos, null);

    public bool Matches(AclAction action, QualityOfService qos, bool retain) => action switch
    {
        AclAction.Publish => Publish && HasQos(qos) && (Retain is null || Retain == retain),
        AclAction.Subscribe => Subscribe && HasQos(qos),
        _ => false,
    };

    private bool HasQos(QualityOfService qos) => (QosMask & (1 << (int)qos)) != 0;
}
