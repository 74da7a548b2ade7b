using Microsoft.Extensions.Logging;

namespace Broker.Host.Options;

/// <summary>The level names operators write (EMQX's, with .NET's trace and critical), mapped to <see cref="LogLevel"/>.</summary>
public enum LogLevelName
{
    Trace,
    Debug,
    Info,
    Warning,
    Error,
    Critical,
    None,
}

public static class LogLevelNameExtensions
{
    public static LogLevel ToLogLevel(this LogLevelName level) => level switch
    {
        LogLevelName.Trace => LogLevel.Trace,
        LogLevelName.Debug => LogLevel.Debug,
        LogLevelName.Info => LogLevel.Information,
        LogLevelName.Warning => LogLevel.Warning,
        LogLevelName.Error => LogLevel.Error,
        LogLevelName.Critical => LogLevel.Critical,
        _ => LogLevel.None,
    };
}
