namespace Broker.Host.Configuration.Hocon;

internal sealed partial class HoconResolver
{
    /// <summary>Newest first: an undefined value is skipped, a non-object ends the merge.</summary>
    private HoconValue? ResolveMerge(HoconDelayedMerge merge)
    {
        var objects = new List<HoconObject>();
        for (var i = merge.Items.Count - 1; i >= 0; i--)
        {
            var value = Resolve(merge.Items[i]);
            if (value is null)
                continue;
            if (value is not HoconObject obj)
                return objects.Count == 0 ? value : MergeAll(objects);
            objects.Add(obj);
        }
        return objects.Count == 0 ? null : MergeAll(objects);
    }

    /// <summary>Merges objects given newest first.</summary>
    private static HoconObject MergeAll(List<HoconObject> newestFirst)
    {
        var result = newestFirst[^1];
        for (var i = newestFirst.Count - 2; i >= 0; i--)
            result = Merge(result, newestFirst[i]);
        return result;
    }

    /// <summary>The spec's object merge: fields of <paramref name="later"/> win, except that two objects merge.</summary>
    private static HoconObject Merge(HoconObject earlier, HoconObject later)
    {
        var result = new HoconObject(later.Origin);
        foreach (var (key, value) in earlier.Fields)
            result.Set(key, value);
        foreach (var (key, value) in later.Fields)
        {
            result.Set(key, result.TryGetValue(key, out var existing) && existing is HoconObject a && value is HoconObject b
                ? Merge(a, b)
                : value);
        }
        return result;
    }

    /// <summary>
    /// Strings (with the whitespace between them) join into a string, arrays into one array,
    /// objects merge; anything else mixed is an error. Undefined optional pieces drop out.
    /// </summary>
    private HoconValue? ResolveConcatenation(HoconConcatenation concatenation)
    {
        var pieces = new List<HoconConcatenation.Piece>();
        foreach (var piece in concatenation.Pieces)
        {
            if (piece.Value is null)
                pieces.Add(piece);
            else if (Resolve(piece.Value) is { } value)
                pieces.Add(HoconConcatenation.Piece.Of(value));
        }
        while (pieces.Count > 0 && pieces[0].Value is null)
            pieces.RemoveAt(0);
        while (pieces.Count > 0 && pieces[^1].Value is null)
            pieces.RemoveAt(pieces.Count - 1);

        var values = pieces.Where(p => p.Value is not null).Select(p => p.Value!).ToList();
        if (values.Count == 0)
            return null;
        if (values.Count == 1 && pieces.Count == 1)
            return values[0];
        if (values.All(v => v is HoconObject))
            return MergeAll([.. values.Cast<HoconObject>().Reverse()]);
        if (values.All(v => v is HoconArray))
            return new HoconArray(values[0].Origin, [.. values.SelectMany(v => ((HoconArray)v).Items)]);
        if (values.All(v => v is HoconScalar))
        {
            // A substitution that is null contributes nothing; a literal null was made "null" by the parser.
            var text = string.Concat(pieces.Select(p => p.Whitespace ?? (p.Value is HoconScalar { Kind: HoconScalarKind.Null } ? "" : ((HoconScalar)p.Value!).Text)));
            return HoconScalar.String(concatenation.Origin, text);
        }
        var kinds = values.Select(v => v is HoconScalar ? "a string" : v.Describe()).Distinct();
        throw new HoconException(concatenation.Origin, concatenation.FieldPath,
            $"cannot concatenate {string.Join(" with ", kinds)}: only strings with strings, arrays with arrays and objects with objects");
    }
}
