using Broker.Actors;
using Broker.Host.Metrics;
using Broker.Host.Options;

namespace Broker.Host.Sys;

/// <summary>
/// EMQX's <c>emqx_sys</c>: every <c>sys_heartbeat_interval</c> the node's uptime (ms) and datetime; every
/// <c>sys_msg_interval</c> its version and description (retained), the running nodes (<c>$SYS/brokers</c>, retained),
/// and its stats and metrics, read from one <see cref="NodeSnapshot"/> as Prometheus reads them. On the actor system's
/// scheduler, so on its <see cref="TimeProvider"/>.
/// </summary>
internal sealed class SysPublisher : IDisposable
{
    public const string Description = "Broker: an MQTT broker in C#";

    private readonly SysMessages _messages;
    private readonly NodeStatistics _statistics;
    private readonly long _started;
    private readonly ICancelable? _heartbeat;
    private readonly ICancelable? _tick;

    public SysPublisher(SysMessages messages, NodeStatistics statistics, SysTopicsOptions options, Scheduler scheduler)
    {
        _messages = messages;
        _statistics = statistics;
        _started = messages.Time.GetTimestamp();
        var heartbeat = options.SysHeartbeatInterval.Value;
        var tick = options.SysMsgInterval.Value;
        _heartbeat = heartbeat > TimeSpan.Zero ? scheduler.ScheduleRepeatedly(heartbeat, heartbeat, Heartbeat) : null;
        _tick = tick > TimeSpan.Zero ? scheduler.ScheduleRepeatedly(tick, tick, Tick) : null;
        Enabled = _tick is not null;
    }

    private bool Enabled { get; }

    /// <summary>Once the node serves (its stored retained messages loaded, which would otherwise cover these): what EMQX retains, at once.</summary>
    public void PublishStartup()
    {
        if (Enabled)
        {
            PublishIdentity(_statistics.Cluster());
        }
    }

    public void Dispose()
    {
        _heartbeat?.Cancel();
        _tick?.Cancel();
    }

    private void Heartbeat()
    {
        var topics = _messages.Topics;
        _messages.Publish(topics.Of("uptime"), ((long)_messages.Time.GetElapsedTime(_started).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        _messages.Publish(topics.Of("datetime"), SysPayloads.Datetime(_messages.Time.GetLocalNow()));
    }

    private void Tick()
    {
        var snapshot = _statistics.Take();
        PublishIdentity(snapshot.Cluster);
        var topics = _messages.Topics;
        foreach (var (name, value) in snapshot.EmqxStats())
        {
            _messages.Publish(topics.Counter("stats", name), Number(value));
        }

        foreach (var (name, value) in snapshot.EmqxMetrics())
        {
            _messages.Publish(topics.Counter("metrics", name), Number(value));
        }
    }

    private void PublishIdentity(ClusterCounts cluster)
    {
        var topics = _messages.Topics;
        _messages.Publish(topics.Of("version"), BrokerVersion.Text, retain: true);
        _messages.Publish(topics.Of("sysdescr"), Description, retain: true);
        _messages.Publish(SysTopics.Brokers, string.Join(',', cluster.Running.Select(SysTopics.NodeLevel)), retain: true);
    }

    private static string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
