namespace Broker.Mqtt.Properties;

/// <summary>A User Property (0x26): a UTF-8 string pair that may repeat, order preserved (3.3.2.3.7).</summary>
public readonly record struct UserProperty(string Name, string Value);
