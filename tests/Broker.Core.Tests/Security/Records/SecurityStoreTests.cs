using System.Text;
using Broker.Actors.Persistence.Sqlite;
using Broker.Actors.TestKit;
using Broker.Actors.TestKit.Persistence;
using Broker.Core.Security;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Protection;
using Broker.Core.Security.Records;

namespace Broker.Core.Tests.Security.Records;

/// <summary>
/// The store of users and bans: last writer wins by version, removals are remembered, bootstrap files rank below any
/// change made at run time, and what was stored on disk comes back at the next start.
/// </summary>
public sealed class SecurityStoreTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private SqliteTestStore _files = null!;

    public async Task InitializeAsync() => _files = await SqliteTestStore.CreateAsync();

    public async Task DisposeAsync() => await _files.DisposeAsync();

    private sealed class Recording : ISecurityReplication
    {
        public List<SecurityRecord> Published { get; } = [];

        public void Publish(SecurityRecord record) => Published.Add(record);
    }

    private static BuiltInDatabase Users() => new(new PasswordHashAlgorithm { Iterations = 8 }, byClientId: false);

    private static Credentials Login(string username, string password) =>
        new(new ClientInfo { ClientId = "c", Username = username }, Encoding.UTF8.GetBytes(password));

    private static async Task<AuthenticationVerdict> VerdictAsync(BuiltInDatabase users, string username, string password) =>
        (await users.AuthenticateAsync(Login(username, password), CancellationToken.None)).Verdict;

    [Fact]
    public async Task Changes_are_stored_and_come_back_with_removals_at_the_next_start()
    {
        var database = SqliteDatabase.Open(_files.Options);
        await using (var durable = new SqliteDurableStateStore(database))
        {
            var store = new SecurityStore(durable, _time);
            var users = Users();
            store.Register(users);
            await store.PutAsync(users.Kind, "line1-press", users.Encode("line1-press", "pw"u8, false));
            await store.PutAsync(users.Kind, "gone", users.Encode("gone", "pw"u8, false));
            Assert.True(await store.RemoveAsync(users.Kind, "gone"));
            Assert.False(await store.RemoveAsync(users.Kind, "gone"));
        }

        await database.DisposeAsync();
        var reopened = SqliteDatabase.Open(_files.Options);
        await using (var durable = new SqliteDurableStateStore(reopened))
        {
            var store = new SecurityStore(durable, _time);
            var users = Users();
            store.Register(users);
            users.Apply("gone", users.Encode("gone", "pw"u8, false));
            store.Seed(users.Kind, "gone", users.Encode("gone", "pw"u8, false));

            Assert.Equal(2, await store.LoadAsync());

            Assert.Equal(AuthenticationVerdict.Allow, await VerdictAsync(users, "line1-press", "pw"));
            // The removal stored outranks the bootstrap file's entry, whichever came first.
            Assert.Equal(AuthenticationVerdict.Ignore, await VerdictAsync(users, "gone", "pw"));
            Assert.Equal(["line1-press"], store.Entries(users.Kind).Select(r => r.Key));
        }

        await reopened.DisposeAsync();
    }

    [Fact]
    public async Task A_bootstrap_entry_is_taken_where_nothing_was_changed_at_run_time_and_never_over_a_change()
    {
        var store = new SecurityStore(null, _time);
        var users = Users();
        store.Register(users);
        store.Seed(users.Kind, "a", users.Encode("a", "from-file"u8, false));
        store.Seed(users.Kind, "b", users.Encode("b", "from-file"u8, false));
        await store.PutAsync(users.Kind, "b", users.Encode("b", "changed"u8, false));

        store.Seed(users.Kind, "a", users.Encode("a", "file-edited"u8, false));
        store.Seed(users.Kind, "b", users.Encode("b", "from-file"u8, false));

        Assert.Equal(AuthenticationVerdict.Allow, await VerdictAsync(users, "a", "file-edited"));
        Assert.Equal(AuthenticationVerdict.Allow, await VerdictAsync(users, "b", "changed"));
        Assert.Equal(0, store.Get(users.Kind, "a")!.Version);
    }

    [Fact]
    public async Task A_replicated_record_is_taken_only_when_newer_and_ties_end_the_same_on_every_node()
    {
        var store = new SecurityStore(null, _time);
        var users = Users();
        store.Register(users);
        await store.PutAsync(users.Kind, "u", users.Encode("u", "local"u8, false));
        var local = store.Get(users.Kind, "u")!;

        await store.ApplyReplicated(local with { Value = users.Encode("u", "older"u8, false), Version = local.Version - 1 });
        Assert.Equal(AuthenticationVerdict.Allow, await VerdictAsync(users, "u", "local"));

        var newer = local with { Value = users.Encode("u", "newer"u8, false), Version = local.Version + 1 };
        await store.ApplyReplicated(newer);
        Assert.Equal(AuthenticationVerdict.Allow, await VerdictAsync(users, "u", "newer"));

        // Two nodes wrote the same version: whichever order the records come in, both keep the same one.
        var tieA = newer with { Value = "{\"user_id\":\"u\",\"password_hash\":\"a\",\"salt\":\"\",\"is_superuser\":false}", Version = newer.Version + 1 };
        var tieB = tieA with { Value = "{\"user_id\":\"u\",\"password_hash\":\"b\",\"salt\":\"\",\"is_superuser\":false}" };
        var other = new SecurityStore(null, _time);
        await store.ApplyReplicated(tieA);
        await store.ApplyReplicated(tieB);
        await other.ApplyReplicated(tieB);
        await other.ApplyReplicated(tieA);
        Assert.Equal(tieB, store.Get(users.Kind, "u"));
        Assert.Equal(tieB, other.Get(users.Kind, "u"));

        var removed = new SecurityRecord(users.Kind, "u", null, newer.Version + 5);
        await store.ApplyReplicated(removed);
        Assert.Null(store.Get(users.Kind, "u"));
        Assert.Equal(AuthenticationVerdict.Ignore, await VerdictAsync(users, "u", "newer"));
    }

    [Fact]
    public async Task A_change_outranks_what_the_node_has_seen_even_when_its_clock_is_behind()
    {
        var store = new SecurityStore(null, _time);
        var users = Users();
        store.Register(users);
        var future = _time.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds();
        await store.ApplyReplicated(new SecurityRecord(users.Kind, "u", users.Encode("u", "remote"u8, false), future));

        await store.PutAsync(users.Kind, "u", users.Encode("u", "local"u8, false));

        Assert.Equal(future + 1, store.Get(users.Kind, "u")!.Version);
        Assert.Equal(AuthenticationVerdict.Allow, await VerdictAsync(users, "u", "local"));
    }

    [Fact]
    public async Task Attaching_publishes_every_record_tombstones_too_and_later_changes_follow()
    {
        var store = new SecurityStore(null, _time);
        var users = Users();
        store.Register(users);
        await store.PutAsync(users.Kind, "kept", users.Encode("kept", "pw"u8, false));
        await store.PutAsync(users.Kind, "removed", users.Encode("removed", "pw"u8, false));
        await store.RemoveAsync(users.Kind, "removed");
        var cluster = new Recording();

        store.Attach(cluster);
        await store.PutAsync(users.Kind, "later", users.Encode("later", "pw"u8, false));
        store.Detach(cluster);
        await store.PutAsync(users.Kind, "alone", users.Encode("alone", "pw"u8, false));

        Assert.Equal(["kept", "later", "removed"], cluster.Published.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.True(cluster.Published.Single(r => r.Key == "removed").IsRemoved);
    }

    [Fact]
    public async Task The_sweep_forgets_ended_bans_and_old_tombstones_but_keeps_recent_removals()
    {
        var store = new SecurityStore(null, _time);
        var bans = new BannedClients(new BanList(_time), store);
        var now = _time.GetUtcNow();
        await bans.AddAsync(new Ban(BanKind.ClientId, "short", "op", "", now, now.AddMinutes(5)));
        await bans.AddAsync(new Ban(BanKind.ClientId, "forever", "op", "", now, null));
        await bans.AddAsync(new Ban(BanKind.ClientId, "lifted", "op", "", now, null));
        await bans.RemoveAsync(BanKind.ClientId, "lifted");

        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, store.Sweep());
        Assert.Equal(["clientid:forever"], store.Entries(BannedClients.TableKind).Select(r => r.Key));
        Assert.True(store.IsObsolete(new SecurityRecord(BannedClients.TableKind, "clientid:x", null, now.AddDays(-8).ToUnixTimeMilliseconds())));

        _time.Advance(SecurityStore.TombstoneRetention);
        Assert.Equal(1, store.Sweep());
        Assert.Equal(1, bans.List.Count);
    }

    [Fact]
    public async Task A_record_a_table_cannot_read_is_skipped_and_the_others_still_apply()
    {
        var store = new SecurityStore(null, _time);
        var bans = new BannedClients(new BanList(_time), store);

        await store.ApplyReplicated(new SecurityRecord(BannedClients.TableKind, "clientid:x", "{not json", 5));
        await store.ApplyReplicated(new SecurityRecord(BannedClients.TableKind, "clientid:y", BanFormat.Serialize(new Ban(BanKind.ClientId, "z", "op", "", _time.GetUtcNow(), null)), 5));
        await bans.AddAsync(new Ban(BanKind.Username, "thief", "op", "", _time.GetUtcNow(), null));

        Assert.Equal(1, bans.List.Count);
        Assert.NotNull(bans.List.Find(new ClientInfo { ClientId = "c", Username = "thief" }));
        await Assert.ThrowsAsync<ArgumentException>(() => bans.AddAsync(new Ban(BanKind.PeerNetwork, "10.0.0.0/33", "op", "", _time.GetUtcNow(), null)));
        Assert.Null(store.Get(BannedClients.TableKind, "peerhost_net:10.0.0.0/33"));
    }
}
