namespace Broker.Host.Configuration.Hocon;

internal sealed partial class HoconResolver
{
    private readonly Dictionary<(HoconDelayedMerge, string), HoconValue?> _mergeChildren = [];

    /// <summary>
    /// The unresolved node at <paramref name="path"/> below <paramref name="start"/>, resolving
    /// only what stands on the way and is not an object.
    /// </summary>
    private HoconValue? Navigate(HoconValue start, IReadOnlyList<string> path)
    {
        var node = start;
        foreach (var key in path)
        {
            var child = Child(node, key);
            if (child is null)
                return null;
            node = child;
        }
        return node;
    }

    private HoconValue? Child(HoconValue node, string key)
    {
        switch (node)
        {
            case HoconObject obj:
                return obj.TryGetValue(key, out var child) ? child : null;
            case HoconScalar or HoconArray:
                return null;
            case HoconDelayedMerge merge:
                if (!_mergeChildren.TryGetValue((merge, key), out var merged))
                    _mergeChildren[(merge, key)] = merged = ChildOfMerge(merge, key);
                return merged;
            default:
                return Resolve(node) is HoconObject resolved && resolved.TryGetValue(key, out var inner) ? inner : null;
        }
    }

    /// <summary>
    /// The definitions of <paramref name="key"/> in a stack of definitions of its parent, newest
    /// first until one that is not an object hides the rest; several make a new delayed merge,
    /// remembered so that it is resolved once.
    /// </summary>
    private HoconValue? ChildOfMerge(HoconDelayedMerge merge, string key)
    {
        var found = new List<HoconValue>();
        for (var i = merge.Items.Count - 1; i >= 0; i--)
        {
            var item = merge.Items[i];
            var obj = item as HoconObject;
            if (obj is null && item is not (HoconScalar or HoconArray))
            {
                var resolved = Resolve(item);
                if (resolved is null)
                    continue;
                obj = resolved as HoconObject;
            }
            if (obj is null)
                break;
            if (obj.TryGetValue(key, out var child))
                found.Add(child);
        }
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => new HoconDelayedMerge(found[^1].Origin, Enumerable.Reverse(found)),
        };
    }
}
