namespace Broker.Core.Security.Records;

/// <summary>
/// One entry of a table that operators change at run time (a user, a ban), as stored and replicated: the last writer
/// wins by <paramref name="Version"/>, a time in milliseconds made to grow on every change of the key.
/// </summary>
/// <param name="Kind">The table: <c>banned</c>, or <c>users/</c> and an authenticator's name.</param>
/// <param name="Value">The table's own encoding of the entry; null once removed (a tombstone, so that a node that was
/// away cannot bring the entry back with an older copy).</param>
/// <param name="Version">0 for an entry read from a bootstrap file at start, which any change made later outranks.</param>
public sealed record SecurityRecord(string Kind, string Key, string? Value, long Version)
{
    public bool IsRemoved => Value is null;

    /// <summary>Whether this one replaces <paramref name="current"/>: a later version, or on a tie the greater value, so every node picks the same.</summary>
    public bool Supersedes(SecurityRecord? current) =>
        current is null
        || Version > current.Version
        || (Version == current.Version && string.CompareOrdinal(Value, current.Value) > 0);
}
