namespace Broker.Actors.Configuration.Hocon;

public enum HoconScalarKind
{
    String,
    Number,
    Boolean,
    Null,
}
