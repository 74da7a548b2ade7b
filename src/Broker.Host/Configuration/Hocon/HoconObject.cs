using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// Fields in the order they were first defined. Keys are case-sensitive, as in HOCON.
/// Only the parser and resolver mutate objects; once resolved they are read-only.
/// </summary>
public sealed class HoconObject : HoconValue
{
    private readonly OrderedDictionary<string, HoconValue> _fields = new(StringComparer.Ordinal);

    internal HoconObject(HoconOrigin origin)
        : base(origin) => Fields = new ReadOnlyDictionary<string, HoconValue>(_fields);

    public ReadOnlyDictionary<string, HoconValue> Fields { get; }

    public int Count => _fields.Count;

    public bool TryGetValue(string key, [NotNullWhen(true)] out HoconValue? value) => _fields.TryGetValue(key, out value);

    internal void Set(string key, HoconValue value) => _fields[key] = value;

    internal override string Describe() => "an object";
}
