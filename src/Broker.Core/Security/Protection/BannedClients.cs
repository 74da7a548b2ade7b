using Broker.Core.Security.Records;

namespace Broker.Core.Security.Protection;

/// <summary>
/// The banned list as operators and flapping detection change it: every change is a record of the
/// <see cref="SecurityStore"/> (kind <see cref="TableKind"/>), stored and shared with every node, and applied to the
/// <see cref="BanList"/> that CONNECTs are checked against.
/// </summary>
public sealed class BannedClients : IRecordTable
{
    public const string TableKind = "banned";

    private readonly SecurityStore _store;

    /// <summary>Registers itself in <paramref name="store"/>: its writes reach the list only through the store.</summary>
    public BannedClients(BanList list, SecurityStore store)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(store);
        List = list;
        _store = store;
        store.Register(this);
    }

    public string Kind => TableKind;

    public BanList List { get; }

    /// <summary>Adds or replaces the ban of its kind and subject; a bad pattern or address is an <see cref="ArgumentException"/>, before anything is stored.</summary>
    public Task AddAsync(Ban ban)
    {
        BanList.Validate(ban);
        return _store.PutAsync(TableKind, BanFormat.Key(ban.Kind, ban.Who), BanFormat.Serialize(ban));
    }

    /// <summary>A ban from a bootstrap file, outranked by any change made at run time.</summary>
    public void Seed(Ban ban)
    {
        BanList.Validate(ban);
        _store.Seed(TableKind, BanFormat.Key(ban.Kind, ban.Who), BanFormat.Serialize(ban));
    }

    public Task<bool> RemoveAsync(BanKind kind, string who) => _store.RemoveAsync(TableKind, BanFormat.Key(kind, who));

    /// <summary>
    /// Forgets ended bans, in the store and so in the list (each node sweeps its own). Only the bans: this runs on the
    /// CONNECT that finds the flapping window over, where the users' records have no business being walked.
    /// </summary>
    public void RemoveExpired() => _store.Sweep(TableKind);

    public void Apply(string key, string? value)
    {
        if (value is not null)
        {
            var ban = BanFormat.Deserialize(value);
            List.Add(BanFormat.Key(ban.Kind, ban.Who) == key ? ban : throw new FormatException($"the record '{key}' holds the ban of '{BanFormat.Key(ban.Kind, ban.Who)}'"));
            return;
        }

        var at = key.IndexOf(':', StringComparison.Ordinal);
        if (at > 0 && BanKindNames.TryParse(key[..at], out var kind))
        {
            List.Remove(kind, key[(at + 1)..]);
        }
    }

    public bool IsExpired(string value, DateTimeOffset now) => !BanFormat.Deserialize(value).IsActive(now);
}
