namespace Broker.Actors.Persistence;

/// <summary>One queued change of durable state: an upsert, or a delete when <see cref="Payload"/> is null.</summary>
public sealed record DurableStateWrite(string Kind, string Key, string? Manifest, byte[]? Payload)
{
    public bool IsDelete => Payload is null;

    /// <summary>
    /// The changes a commit applies: the last one per key, in the order of first appearance. A batch may
    /// hold several changes of one key (a retained topic published twice during a commit); only the last
    /// counts, and PostgreSQL refuses to upsert one key twice in one statement anyway.
    /// </summary>
    internal static IReadOnlyList<DurableStateWrite> LastPerKey(IReadOnlyList<DurableStateWrite> writes)
    {
        if (writes.Count == 1)
        {
            return writes;
        }

        var index = new Dictionary<(string Kind, string Key), int>(writes.Count);
        var result = new List<DurableStateWrite>(writes.Count);
        foreach (var write in writes)
        {
            if (index.TryGetValue((write.Kind, write.Key), out var at))
            {
                result[at] = write;
            }
            else
            {
                index[(write.Kind, write.Key)] = result.Count;
                result.Add(write);
            }
        }

        return result;
    }
}
