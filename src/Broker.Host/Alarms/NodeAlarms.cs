using System.Buffers;
using System.Text.Json;
using Broker.Host.Sys;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Alarms;

/// <summary>
/// Raises and clears this node's alarms (EMQX's <c>emqx_alarm:activate/deactivate</c>): each change is kept in the
/// <see cref="AlarmBook"/>, logged (a warning when raised, information when cleared) and published as JSON to
/// <c>$SYS/brokers/&lt;node&gt;/alarms/activate</c> or <c>/deactivate</c>. Raising an active alarm or clearing one that
/// is not does nothing, so a monitor states the condition on every check.
/// </summary>
public sealed partial class NodeAlarms
{
    private readonly SysMessages _messages;
    private readonly ILogger _logger;

    internal NodeAlarms(AlarmBook book, SysMessages messages, ILogger logger)
    {
        Book = book;
        _messages = messages;
        _logger = logger;
    }

    public AlarmBook Book { get; }

    public DateTimeOffset Now => _messages.Time.GetUtcNow();

    public void Raise(string name, JsonElement details, string message)
    {
        if (Book.Activate(name, details, message, Now) is not { } alarm)
        {
            return;
        }

        LogRaised(_logger, name, message);
        Publish("alarms/activate", alarm);
    }

    public void Clear(string name)
    {
        if (Book.Deactivate(name, Now) is not { } alarm)
        {
            return;
        }

        LogCleared(_logger, name, alarm.Duration(alarm.DeactivateAt!.Value).TotalSeconds);
        Publish("alarms/deactivate", alarm);
    }

    /// <summary>Raises or clears <paramref name="name"/> as <paramref name="active"/> says.</summary>
    public void State(bool active, string name, Func<JsonElement> details, Func<string> message)
    {
        if (active)
        {
            if (!Book.IsActive(name))
            {
                Raise(name, details(), message());
            }
        }
        else
        {
            Clear(name);
        }
    }

    /// <summary>A details object from its fields: strings, numbers, lists of strings.</summary>
    public static JsonElement Details(params (string Key, object Value)[] fields)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in fields)
            {
                switch (value)
                {
                    case string text:
                        writer.WriteString(key, text);
                        break;
                    case double number:
                        writer.WriteNumber(key, Math.Round(number, 2));
                        break;
                    case long number:
                        writer.WriteNumber(key, number);
                        break;
                    case int number:
                        writer.WriteNumber(key, number);
                        break;
                    case IEnumerable<string> list:
                        writer.WriteStartArray(key);
                        foreach (var item in list)
                        {
                            writer.WriteStringValue(item);
                        }

                        writer.WriteEndArray();
                        break;
                    default:
                        writer.WriteString(key, value.ToString());
                        break;
                }
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private void Publish(string name, Alarm alarm)
    {
        try
        {
            _messages.Publish(_messages.Topics.Of(name), SysPayloads.Alarm(alarm), json: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogPublishFailed(_logger, alarm.Name, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alarm {Name} raised: {Message}")]
    private static partial void LogRaised(ILogger logger, string name, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alarm {Name} cleared after {Seconds:F0} s")]
    private static partial void LogCleared(ILogger logger, string name, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alarm {Name} could not be published to $SYS")]
    private static partial void LogPublishFailed(ILogger logger, string name, Exception cause);
}
