namespace Broker.Mqtt.Properties;

public enum PayloadFormatIndicator : byte
{
    Unspecified = 0,
    Utf8 = 1,
}
