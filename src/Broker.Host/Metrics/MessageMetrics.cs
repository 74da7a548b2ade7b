using Broker.Core.Messaging;
using Broker.Mqtt;
using Prometheus;

namespace Broker.Host.Metrics;

/// <summary>
/// The messages' counters (<see cref="BrokerMetrics"/>, read into a <see cref="NodeSnapshot"/>) under EMQX's names: received and sent by QoS, and what was
/// dropped by EMQX's reason, <c>messages.dropped.*</c> (before routing) and <c>delivery.dropped.*</c> (on the way to a
/// subscriber) as two families, each with a <c>reason</c> label.
/// </summary>
internal sealed class MessageMetrics
{
    private readonly Counter.Child[] _received;
    private readonly Counter.Child[] _sent;
    private readonly (DropReason Reason, Counter.Child Counter)[] _dropped;

    public MessageMetrics(IMetricFactory factory)
    {
        var received = factory.CreateCounter("emqx_messages_received", "PUBLISH packets received from clients, by QoS.", ["qos"]);
        var sent = factory.CreateCounter("emqx_messages_sent", "PUBLISH packets sent to clients, by the QoS they were sent with.", ["qos"]);
        _received = [.. NodeSnapshot.QoSLevels.Select(qos => received.WithLabels(Label(qos)))];
        _sent = [.. NodeSnapshot.QoSLevels.Select(qos => sent.WithLabels(Label(qos)))];
        var messages = factory.CreateCounter(
            "emqx_messages_dropped", "Messages dropped before delivery: no subscriber, not authorized, PUBREL never came.", ["reason"]);
        var delivery = factory.CreateCounter(
            "emqx_delivery_dropped", "Messages that matched a subscription and did not reach it: expired, queue full, too large.", ["reason"]);
        _dropped = [.. DropReasons.All.Select(reason => (reason, Family(reason) == "messages" ? messages.WithLabels(Detail(reason)) : delivery.WithLabels(Detail(reason))))];
    }

    public void Collect(NodeSnapshot snapshot)
    {
        foreach (var qos in NodeSnapshot.QoSLevels)
        {
            _received[(int)qos].IncTo(snapshot.Received[(int)qos]);
            _sent[(int)qos].IncTo(snapshot.Sent[(int)qos]);
        }

        foreach (var (reason, counter) in _dropped)
        {
            counter.IncTo(snapshot.Dropped[(int)reason]);
        }
    }

    private static string Label(QualityOfService qos) => ((int)qos).ToString(System.Globalization.CultureInfo.InvariantCulture);

    // EMQX's names are family.dropped.detail: "delivery.dropped.queue_full" is family "delivery", reason "queue_full".
    private static string Family(DropReason reason) => reason.MetricName()[..reason.MetricName().IndexOf('.', StringComparison.Ordinal)];

    private static string Detail(DropReason reason) => reason.MetricName()[(reason.MetricName().LastIndexOf('.') + 1)..];
}
