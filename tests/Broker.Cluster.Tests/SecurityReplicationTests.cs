using Broker.Core.Security.Authentication;
using Broker.Core.Security.Records;

namespace Broker.Cluster.Tests;

/// <summary>
/// Users and bans changed on any node reach every node through distributed data, concurrent changes of one entry end
/// the same everywhere, and a node that comes back with an older copy of a removed entry does not bring it back.
/// </summary>
public sealed class SecurityReplicationTests : IAsyncLifetime
{
    private ClusterOfThree _cluster = null!;
    private (SecurityStore Store, BuiltInDatabase Users)[] _nodes = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ClusterOfThree.StartAsync("security-replication");
        _nodes = [.. _cluster.Nodes.Select(node => Attach(node.Cluster))];
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static (SecurityStore Store, BuiltInDatabase Users) Attach(BrokerCluster cluster)
    {
        var store = new SecurityStore(null, TimeProvider.System);
        var users = new BuiltInDatabase(new PasswordHashAlgorithm { Iterations = 8 }, byClientId: false);
        store.Register(users);
        cluster.Security.Attach(store);
        return (store, users);
    }

    private Task Everywhere(Func<SecurityStore, bool> holds, string what) =>
        Eventually.True(() => _nodes.All(n => holds(n.Store)), what, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_change_on_one_node_reaches_the_others_and_concurrent_changes_end_the_same_everywhere()
    {
        var (a, usersA) = _nodes[0];
        await a.PutAsync(usersA.Kind, "line1-press", usersA.Encode("line1-press", "pw"u8, false));
        await Everywhere(s => s.Get(usersA.Kind, "line1-press") is not null, "every node has the user added on A");

        await Task.WhenAll(_nodes.Select((n, i) => n.Store.PutAsync(n.Users.Kind, "mes", n.Users.Encode("mes", "pw"u8, i == 1))));
        await Everywhere(s => s.Get(usersA.Kind, "mes") is { } mes && mes == _nodes[0].Store.Get(usersA.Kind, "mes")
            && _nodes.All(other => other.Store.Get(usersA.Kind, "mes") == mes), "the three writes of mes end as one record on every node");

        Assert.True(await _nodes[2].Store.RemoveAsync(usersA.Kind, "line1-press"));
        await Everywhere(s => s.Get(usersA.Kind, "line1-press") is null, "the user removed on C is gone everywhere");
    }

    [Fact]
    public async Task A_store_that_comes_back_with_an_older_copy_of_a_removed_entry_loses_it()
    {
        var (a, users) = _nodes[0];
        await a.PutAsync(users.Kind, "retired", users.Encode("retired", "pw"u8, false));
        await Everywhere(s => s.Get(users.Kind, "retired") is not null, "every node has the user");
        var stale = _nodes[1].Store.Get(users.Kind, "retired")!;
        Assert.True(await a.RemoveAsync(users.Kind, "retired"));
        await Everywhere(s => s.Get(users.Kind, "retired") is null, "the removal reached every node");

        // B's node restarted with what it had stored before the removal.
        var back = new SecurityStore(null, TimeProvider.System);
        var backUsers = new BuiltInDatabase(new PasswordHashAlgorithm { Iterations = 8 }, byClientId: false);
        back.Register(backUsers);
        await back.ApplyReplicated(stale);
        _cluster.B.Cluster.Security.Attach(back);

        await Eventually.True(() => back.Get(users.Kind, "retired") is null, "the returning copy takes the removal", TimeSpan.FromSeconds(30));
        Assert.Equal(AuthenticationVerdict.Ignore, (await backUsers.AuthenticateAsync(
            new Credentials(new Core.Security.ClientInfo { ClientId = "c", Username = "retired" }, "pw"u8.ToArray()), CancellationToken.None)).Verdict);
        Assert.All(_nodes, n => Assert.Null(n.Store.Get(users.Kind, "retired")));
    }
}
