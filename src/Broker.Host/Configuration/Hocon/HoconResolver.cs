using System.Runtime.CompilerServices;

namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// Replaces substitutions, concatenations and delayed merges with plain values, once the whole
/// document (every included file) has been parsed, so a substitution can look forward.
/// </summary>
/// <remarks>
/// Paths are followed lazily: <c>${bar.foo}</c> resolves only <c>bar.foo</c>, not all of
/// <c>bar</c>, so an object may refer to its own fields (<c>bar { foo = 42, baz = ${bar.foo} }</c>).
/// Each node is resolved once and remembered; a node met again while it is still being resolved
/// is a cycle.
/// </remarks>
internal sealed partial class HoconResolver
{
    private readonly HoconObject _root;
    private readonly Func<string, string?> _environment;
    private readonly Dictionary<HoconValue, HoconValue?> _resolved = new(ReferenceEqualityComparer.Instance);
    private readonly List<HoconValue> _active = [];
    private readonly HashSet<HoconValue> _activeSet = new(ReferenceEqualityComparer.Instance);

    public HoconResolver(HoconObject root, Func<string, string?> environment)
    {
        _root = root;
        _environment = environment;
    }

    public HoconObject ResolveRoot() => (HoconObject)Resolve(_root)!;

    /// <returns>The plain value, or null when it is undefined (an optional substitution with nothing behind it).</returns>
    private HoconValue? Resolve(HoconValue value)
    {
        if (value is HoconScalar)
            return value;
        if (_resolved.TryGetValue(value, out var done))
            return done;
        if (!_activeSet.Add(value))
            throw Cycle(value);
        _active.Add(value);
        try
        {
            done = value switch
            {
                HoconObject obj => ResolveObject(obj),
                HoconArray array => ResolveArray(array),
                HoconSubstitution substitution => ResolveSubstitution(substitution),
                HoconPathReference reference => ResolveReference(reference),
                HoconConcatenation concatenation => ResolveConcatenation(concatenation),
                HoconDelayedMerge merge => ResolveMerge(merge),
                _ => throw new InvalidOperationException($"unexpected HOCON node {value.GetType().Name}"),
            };
        }
        finally
        {
            _active.RemoveAt(_active.Count - 1);
            _activeSet.Remove(value);
        }
        _resolved[value] = done;
        return done;
    }

    private HoconObject ResolveObject(HoconObject obj)
    {
        var result = new HoconObject(obj.Origin);
        foreach (var (key, value) in obj.Fields)
        {
            // An undefined field (`port = ${?MQTT_PORT}` with no earlier value) is left out.
            if (Resolve(value) is { } resolved)
                result.Set(key, resolved);
        }
        return result;
    }

    private HoconArray ResolveArray(HoconArray array)
    {
        var items = new List<HoconValue>(array.Items.Count);
        foreach (var item in array.Items)
        {
            if (Resolve(item) is { } resolved)
                items.Add(resolved);
        }
        return new HoconArray(array.Origin, items);
    }

    private HoconValue? ResolveSubstitution(HoconSubstitution substitution)
    {
        if (Navigate(_root, substitution.Path) is { } target && Resolve(target) is { } value)
            return value;
        if (FromEnvironment(substitution.EnvironmentName, substitution.Origin) is { } variable)
            return variable;
        if (substitution.Optional)
            return null;
        throw new HoconException(substitution.Origin, substitution.FieldPath,
            $"cannot resolve {substitution.Expression}: there is no setting at {HoconPath.Render(substitution.Path)} " +
            $"and no environment variable {substitution.EnvironmentName} (write ${{?...}} if it may be absent)");
    }

    private HoconValue? ResolveReference(HoconPathReference reference)
    {
        if (reference.Earlier is null)
        {
            if (reference.EnvironmentName is { } name && FromEnvironment(name, reference.Origin) is { } variable)
                return variable;
            if (reference.Optional)
                return null;
            throw new HoconException(reference.Origin, reference.FieldPath,
                $"cannot resolve {reference.Expression}: it refers to the field's own earlier value, but the field has none" +
                (reference.EnvironmentName is { } env ? $" and there is no environment variable {env}" : ""));
        }
        var target = reference.Remainder.Length == 0 ? reference.Earlier : Navigate(reference.Earlier, reference.Remainder);
        if (target is not null && Resolve(target) is { } value)
            return value;
        if (reference.Optional)
            return null;
        throw new HoconException(reference.Origin, reference.FieldPath,
            $"cannot resolve {reference.Expression}: the earlier value has no setting at {HoconPath.Render(reference.Remainder)}");
    }

    /// <summary>Environment variables set to an empty string count as unset, as the spec says.</summary>
    private HoconScalar? FromEnvironment(string name, HoconOrigin origin) =>
        _environment(name) is { Length: > 0 } value ? HoconScalar.String(origin, value) : null;

    /// <summary>Reported at the first substitution of the cycle: that is the line to change.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private HoconException Cycle(HoconValue value)
    {
        var cycle = _active.Skip(_active.IndexOf(value)).Append(value).ToList();
        var chain = cycle.Where(v => v is HoconSubstitution or HoconPathReference).Select(v => v.Describe());
        var at = cycle.FirstOrDefault(v => v is HoconSubstitution or HoconPathReference) ?? value;
        var fieldPath = at switch
        {
            HoconSubstitution s => s.FieldPath,
            HoconPathReference r => r.FieldPath,
            HoconConcatenation c => c.FieldPath,
            _ => null,
        };
        return new HoconException(at.Origin, fieldPath, $"substitution cycle: {string.Join(" -> ", chain)}");
    }
}
