namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// Successive definitions of one field that cannot be merged while parsing because one of them is
/// not known yet (<c>port = 1883</c> then <c>port = ${?MQTT_PORT}</c>). Resolved bottom-up like
/// duplicate keys: the latest defined value wins, adjacent objects merge, an undefined optional
/// substitution leaves the earlier value in place.
/// </summary>
internal sealed class HoconDelayedMerge : HoconValue
{
    private readonly List<HoconValue> _items;

    // Set when a look-backward reference has taken a snapshot: the top object now belongs to that
    // snapshot too, so later fields must go into a fresh object instead of changing it.
    private bool _sealed;

    public HoconDelayedMerge(HoconOrigin origin, IEnumerable<HoconValue> items)
        : base(origin) => _items = [.. items];

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<HoconValue> Items => _items;

    public void Push(HoconValue value)
    {
        _items.Add(value);
        _sealed = false;
    }

    /// <summary>The object that later fields of this path should be written into.</summary>
    public HoconObject WritableTop(HoconOrigin origin)
    {
        if (!_sealed && _items[^1] is HoconObject top)
            return top;
        var fresh = new HoconObject(origin);
        Push(fresh);
        return fresh;
    }

    public HoconDelayedMerge Snapshot()
    {
        _sealed = true;
        return new HoconDelayedMerge(Origin, _items);
    }

    internal override string Describe() => "a merge of several definitions";
}
