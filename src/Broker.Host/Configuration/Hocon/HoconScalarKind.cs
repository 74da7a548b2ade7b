namespace Broker.Host.Configuration.Hocon;

public enum HoconScalarKind
{
    String,
    Number,
    Boolean,
    Null,
}
