using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

public sealed class LogOptions
{
    [ConfigurationKeyName("level")]
    public LogLevelName Level { get; set; } = LogLevelName.Info;
}
