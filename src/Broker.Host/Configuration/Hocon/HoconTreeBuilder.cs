namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// Applies the fields of a document, in order, to one tree: duplicate keys merge objects and
/// replace everything else; a definition that cannot be merged until substitutions are resolved
/// is stacked in a <see cref="HoconDelayedMerge"/>.
/// </summary>
/// <remarks>
/// Applying fields in document order is what makes self-referential substitutions work: when
/// <c>path = ${path} ":more"</c> is applied, the tree still holds the earlier <c>path</c>, and the
/// substitution is bound to it (see <see cref="HoconPathReference"/>). Nodes bound that way are
/// never written to again: the field is replaced, and a delayed merge hands out a fresh top object.
/// </remarks>
internal sealed class HoconTreeBuilder
{
    private readonly bool _bindSelfReferences;

    /// <param name="bindSelfReferences">
    /// True for the document; false for objects inside arrays and concatenations, whose
    /// substitutions are not self-references by the spec's rules.
    /// </param>
    public HoconTreeBuilder(HoconOrigin origin, bool bindSelfReferences)
    {
        Root = new HoconObject(origin);
        _bindSelfReferences = bindSelfReferences;
    }

    public HoconObject Root { get; }

    /// <summary>True when this builds the document, false for a detached object.</summary>
    public bool BindsSelfReferences => _bindSelfReferences;

    /// <summary>A field whose value is <c>{ ... }</c>: its fields are then assigned one by one.</summary>
    public void EnterObject(string[] path, HoconOrigin origin) => ObjectAt(path, path.Length, origin);

    public void Assign(string[] path, HoconValue value)
    {
        if (_bindSelfReferences)
            value = BindSelfReferences(path, value);
        Store(path, value);
    }

    /// <summary><c>a += v</c>, which the spec defines as <c>a = ${?a} [v]</c>.</summary>
    public void Append(string[] path, HoconValue element, string fieldPath)
    {
        var array = new HoconArray(element.Origin, [element]);
        var earlier = Earlier(path);
        if (earlier is null)
        {
            Store(path, array);
            return;
        }
        var reference = new HoconPathReference(element.Origin, earlier, [], optional: true, "${?" + fieldPath + "}", null, fieldPath);
        Store(path, new HoconConcatenation(element.Origin, [HoconConcatenation.Piece.Of(reference), HoconConcatenation.Piece.Of(array)], fieldPath));
    }

    /// <summary>
    /// <c>a = { ... } ${b}</c>: the object literal was already applied to <c>a</c>, so the rest
    /// concatenates onto what <c>a</c> now holds.
    /// </summary>
    public void Continue(string[] path, IReadOnlyList<HoconConcatenation.Piece> rest, HoconOrigin origin, string fieldPath)
    {
        var reference = new HoconPathReference(origin, Earlier(path), [], optional: true, fieldPath, null, fieldPath);
        Store(path, new HoconConcatenation(origin, [HoconConcatenation.Piece.Of(reference), .. rest], fieldPath));
    }

    private void Store(string[] path, HoconValue value)
    {
        var parent = ObjectAt(path, path.Length - 1, value.Origin);
        var key = path[^1];
        parent.TryGetValue(key, out var existing);
        parent.Set(key, Combine(existing, value));
    }

    /// <summary>The value a field holds after <paramref name="later"/> is defined over <paramref name="earlier"/>.</summary>
    private static HoconValue Combine(HoconValue? earlier, HoconValue later)
    {
        switch (earlier, later)
        {
            case (null, _):
            case (_, HoconScalar or HoconArray):
            case (HoconScalar or HoconArray, HoconObject):
                return later;
            case (HoconObject target, HoconObject source):
                foreach (var (key, value) in source.Fields)
                {
                    target.TryGetValue(key, out var existing);
                    target.Set(key, Combine(existing, value));
                }
                return target;
            case (HoconDelayedMerge merge, _):
                merge.Push(later);
                return merge;
            default:
                return new HoconDelayedMerge(earlier.Origin, [earlier, later]);
        }
    }

    /// <summary>Walks to the object at the first <paramref name="count"/> elements, creating or replacing as a field would.</summary>
    private HoconObject ObjectAt(string[] path, int count, HoconOrigin origin)
    {
        var current = Root;
        for (var i = 0; i < count; i++)
        {
            current.TryGetValue(path[i], out var existing);
            switch (existing)
            {
                case HoconObject obj:
                    current = obj;
                    break;
                case HoconDelayedMerge merge:
                    current = merge.WritableTop(origin);
                    break;
                case null or HoconScalar or HoconArray:
                    var fresh = new HoconObject(origin);
                    current.Set(path[i], fresh);
                    current = fresh;
                    break;
                default:
                    var next = new HoconObject(origin);
                    current.Set(path[i], new HoconDelayedMerge(existing.Origin, [existing, next]));
                    current = next;
                    break;
            }
        }
        return current;
    }

    /// <summary>
    /// A field is self-referential when its value is, or concatenates, a substitution of its own
    /// path or of a path below it (<c>foo = ${foo.a}</c>). Objects and arrays holding such a
    /// substitution are not: by the spec those are cycles.
    /// </summary>
    private HoconValue BindSelfReferences(string[] path, HoconValue value)
    {
        switch (value)
        {
            case HoconSubstitution s when RefersTo(s, path):
                return Bind(s, path);
            case HoconConcatenation c when c.Pieces.Any(p => p.Value is HoconSubstitution s && RefersTo(s, path)):
                var pieces = c.Pieces
                    .Select(p => p.Value is HoconSubstitution s && RefersTo(s, path) ? HoconConcatenation.Piece.Of(Bind(s, path)) : p)
                    .ToList();
                return new HoconConcatenation(c.Origin, pieces, c.FieldPath);
            default:
                return value;
        }
    }

    private static bool RefersTo(HoconSubstitution s, string[] path) =>
        s.Path.Length >= path.Length && s.Path.AsSpan(0, path.Length).SequenceEqual(path);

    private HoconPathReference Bind(HoconSubstitution s, string[] path)
    {
        var earlier = Earlier(path);
        return new HoconPathReference(
            s.Origin, earlier, s.Path[path.Length..], s.Optional, s.Expression,
            earlier is null ? s.EnvironmentName : null, s.FieldPath);
    }

    /// <summary>
    /// What the field at <paramref name="path"/> holds now, frozen: a delayed merge is
    /// snapshotted, and a path running through an unresolved value becomes a reference into it.
    /// </summary>
    private HoconValue? Earlier(string[] path)
    {
        HoconValue node = Root;
        for (var i = 0; i < path.Length; i++)
        {
            switch (node)
            {
                case HoconObject obj:
                    if (!obj.TryGetValue(path[i], out var child))
                        return null;
                    node = child;
                    break;
                case HoconScalar or HoconArray:
                    return null;
                case HoconDelayedMerge merge:
                    return Below(merge.Snapshot(), path[i..]);
                default:
                    return Below(node, path[i..]);
            }
        }
        return node is HoconDelayedMerge m ? m.Snapshot() : node;
    }

    private static HoconPathReference Below(HoconValue node, string[] remainder) =>
        new(node.Origin, node, remainder, optional: true, HoconPath.Render(remainder), null, HoconPath.Render(remainder));
}
