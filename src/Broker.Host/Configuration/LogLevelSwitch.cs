using Microsoft.Extensions.Logging;

namespace Broker.Host.Configuration;

/// <summary>
/// <c>log.level</c> as it is now: <c>broker run</c>'s logging filter reads it on every log call (a volatile read), so
/// that <c>PUT /api/v5/configs/log</c> changes it without a restart.
/// </summary>
public sealed class LogLevelSwitch(LogLevel level)
{
    private volatile int _level = (int)level;

    public LogLevel Level
    {
        get => (LogLevel)_level;
        set => _level = (int)value;
    }

    public bool IsEnabled(LogLevel level) => level >= (LogLevel)_level && level != LogLevel.None;
}
