using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Configuration;

/// <summary>
/// The tree of configuration keys an options class accepts, read from its properties and their
/// <see cref="ConfigurationKeyNameAttribute"/>: sections are classes, leaves are values. It is
/// what binding, unknown-key detection, <c>broker config</c> and the documentation test share.
/// </summary>
public sealed class OptionsSchema
{
    private readonly Dictionary<string, OptionsSchema> _children;

    private OptionsSchema(Type type, string key, string path, PropertyInfo? property, OptionsSchema? parent)
    {
        Type = type;
        Key = key;
        Path = path;
        Property = property;
        Parent = parent;
        _children = new Dictionary<string, OptionsSchema>(StringComparer.OrdinalIgnoreCase);
        if (IsLeafType(type))
            return;
        if (type.IsArray)
        {
            // A list of sections (authentication = [{...}, {...}]): one value to the rest of the schema, its items bound
            // and checked against the element's own schema.
            Element = new OptionsSchema(type.GetElementType()!, "[]", $"{path}[]", null, this);
            return;
        }
        foreach (var child in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetMethod is not null))
        {
            var name = child.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? child.Name;
            _children.Add(name, new OptionsSchema(child.PropertyType, name, path.Length == 0 ? name : $"{path}.{name}", child, this));
        }
    }

    public static OptionsSchema For<T>() => Cache<T>.Schema;

    public Type Type { get; }

    /// <summary>This level's key: <c>max_packet_size</c>.</summary>
    public string Key { get; }

    /// <summary>The dotted path from the root: <c>mqtt.max_packet_size</c>.</summary>
    public string Path { get; }

    public PropertyInfo? Property { get; }

    public OptionsSchema? Parent { get; }

    public bool IsLeaf => _children.Count == 0;

    /// <summary>For a list of sections, the schema each item is bound by; null otherwise.</summary>
    public OptionsSchema? Element { get; }

    public IEnumerable<OptionsSchema> Children => _children.Values;

    /// <summary>Case-insensitive, as configuration keys are.</summary>
    public OptionsSchema? Child(string key) => _children.GetValueOrDefault(key);

    public IEnumerable<OptionsSchema> Leaves() => IsLeaf ? [this] : _children.Values.SelectMany(c => c.Leaves());

    /// <summary>The value of this key in <paramref name="root"/>, an instance of the root options class.</summary>
    public object? ValueIn(object root) =>
        Parent is null ? root : Property!.GetValue(Parent.ValueIn(root));

    private static bool IsLeafType(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
        || type == typeof(Duration) || type == typeof(ByteSize) || type == typeof(string[]) || type == typeof(Dictionary<string, string>);

    private static class Cache<T>
    {
        public static readonly OptionsSchema Schema = new(typeof(T), "", "", null, null);
    }
}
