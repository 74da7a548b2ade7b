using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>The <c>alarm</c> section: how much of the deactivated alarms' history is kept, as EMQX's.</summary>
public sealed class AlarmOptions
{
    /// <summary>Deactivated alarms kept at most; the oldest goes first.</summary>
    [ConfigurationKeyName("size_limit")]
    public int SizeLimit { get; set; } = 1000;

    /// <summary>How long a deactivated alarm is kept.</summary>
    [ConfigurationKeyName("validity_period")]
    public Duration ValidityPeriod { get; set; } = Duration.FromHours(24);
}
