namespace Broker.Host.Configuration.Hocon;

public sealed class HoconArray : HoconValue
{
    internal HoconArray(HoconOrigin origin, IReadOnlyList<HoconValue> items)
        : base(origin) => Items = items;

    public IReadOnlyList<HoconValue> Items { get; }

    internal override string Describe() => "an array";
}
