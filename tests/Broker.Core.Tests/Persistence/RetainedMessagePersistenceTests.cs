using System.Text;
using Broker.Actors.Persistence;
using Broker.Actors.Persistence.PostgreSql;
using Broker.Actors.Persistence.Sqlite;
using Broker.Actors.TestKit.Persistence;
using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Core.Retained;
using Broker.Core.Tests.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Properties;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Tests.Persistence;

/// <summary>Retained messages kept on disk and loaded back, on each store (3.3.1.3 retain semantics).</summary>
public abstract class RetainedMessagePersistenceTests : IAsyncLifetime
{
    private readonly RouterFixture _f = new();

    protected IDurableStateStore Store { get; set; } = null!;

    private RecordingLogger Logger { get; } = new();

    private RetainedMessagePersistence Persistence => new(Store, Logger);

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    private Retainer PersistentRetainer() => new(_f.Clock, Persistence);

    private async Task<RetainedStore> ReloadAsync()
    {
        var retained = new RetainedStore();
        await Persistence.LoadIntoAsync(retained, _f.NowMs);
        return retained;
    }

    private static string Text(ApplicationMessage message) => Encoding.UTF8.GetString(message.Payload.Span);

    [StoreFact]
    public async Task A_stored_message_loads_back_with_every_field()
    {
        var message = _f.Message("plant/b1/line2", "21.5", retain: true, expirySeconds: 3600) with
        {
            QoS = QualityOfService.AtLeastOnce,
            Properties = new MqttProperties { MessageExpiryInterval = 3600, ContentType = "text/plain", UserProperties = [new("unit", "C")] },
        };

        await Persistence.StoreAsync(message);
        var retained = new RetainedStore();
        var result = await Persistence.LoadIntoAsync(retained, _f.NowMs);

        var loaded = Assert.Single(retained.Match("#", _f.NowMs));
        Assert.Equal(new RetainedLoadResult(1, 0, 0), result);
        Assert.Equal(message.Topic, loaded.Topic);
        Assert.Equal("21.5", Text(loaded));
        Assert.Equal(QualityOfService.AtLeastOnce, loaded.QoS);
        Assert.True(loaded.Retain);
        Assert.Equal(message.ReceivedAtMs, loaded.ReceivedAtMs);
        Assert.Equal("publisher", loaded.PublisherId);
        Assert.Equal("text/plain", loaded.Properties.ContentType);
        Assert.Equal([new UserProperty("unit", "C")], loaded.Properties.UserProperties);
    }

    [StoreFact]
    public async Task MQTT_3_3_1_6_storing_an_empty_payload_deletes_the_topics_row()
    {
        await Persistence.StoreAsync(_f.Message("a", "x", retain: true));
        await Persistence.StoreAsync(_f.Message("b", "y", retain: true));

        await Persistence.StoreAsync(_f.Message("a", "", retain: true));
        await Persistence.DeleteAsync("b");

        Assert.Equal(0, (await ReloadAsync()).Count);
    }

    [StoreFact]
    public async Task MQTT_3_3_2_5_rows_expired_by_load_time_are_not_loaded_and_are_deleted()
    {
        await Persistence.StoreAsync(_f.Message("short", retain: true, expirySeconds: 5));
        await Persistence.StoreAsync(_f.Message("long", retain: true, expirySeconds: 500));
        _f.Clock.Advance(TimeSpan.FromSeconds(5));

        var retained = new RetainedStore();
        var result = await Persistence.LoadIntoAsync(retained, _f.NowMs);

        Assert.Equal(new RetainedLoadResult(1, 1, 0), result);
        Assert.Equal(["long"], retained.Match("#", _f.NowMs).Select(m => m.Topic));
        Assert.Equal(["long"], await KeysAsync());
    }

    [StoreFact]
    public async Task Unreadable_rows_are_logged_with_their_topic_and_deleted_and_the_others_still_load()
    {
        await Persistence.StoreAsync(_f.Message("good", retain: true));
        var valid = ApplicationMessageFormat.Serialize(_f.Message("elsewhere", retain: true));
        byte[] wrongVersion = [.. valid];
        wrongVersion[0] = 99;
        await Store.UpsertAsync(RetainedMessagePersistence.Kind, "garbage", RetainedMessagePersistence.Manifest, [1, 2, 3]);
        await Store.UpsertAsync(RetainedMessagePersistence.Kind, "version", RetainedMessagePersistence.Manifest, wrongVersion);
        await Store.UpsertAsync(RetainedMessagePersistence.Kind, "moved", RetainedMessagePersistence.Manifest, valid);
        await Store.UpsertAsync(RetainedMessagePersistence.Kind, "manifest", "something.else", valid);

        var retained = new RetainedStore();
        var result = await Persistence.LoadIntoAsync(retained, _f.NowMs);

        Assert.Equal(new RetainedLoadResult(1, 0, 4), result);
        Assert.Equal(["good"], retained.Match("#", _f.NowMs).Select(m => m.Topic));
        Assert.Equal(["good"], await KeysAsync());
        var warnings = Logger.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message).ToList();
        Assert.Equal(4, warnings.Count);
        foreach (var topic in new[] { "garbage", "version", "moved", "manifest" })
        {
            Assert.Contains(warnings, w => w.Contains($"topic {topic} "));
        }
    }

    [StoreFact]
    public async Task Retainer_hands_back_the_row_change_and_the_row_follows_memory()
    {
        var retainer = PersistentRetainer();

        var first = retainer.Store(_f.Message("a/b", "1", retain: true));
        var second = retainer.Store(_f.Message("a/b", "2", retain: true));
        var other = retainer.Store(_f.Message("a/c", "3", retain: true));
        var deletion = retainer.Store(_f.Message("a/c", "", retain: true));
        await Task.WhenAll(first!, second!, other!, deletion!);

        var reloaded = await ReloadAsync();
        Assert.Equal(["2"], reloaded.Match("#", _f.NowMs).Select(Text));
    }

    [StoreFact]
    public async Task Concurrent_publishers_of_one_topic_leave_on_disk_the_message_left_in_memory()
    {
        var retainer = PersistentRetainer();
        var writes = new Task?[4 * 300];

        await Task.WhenAll(Enumerable.Range(0, 4).Select(publisher => Task.Run(() =>
        {
            for (var i = 0; i < 300; i++)
            {
                writes[(publisher * 300) + i] = retainer.Store(_f.Message("contended", $"{publisher}/{i}", retain: true));
            }
        })));
        await Task.WhenAll(writes.Select(w => w!));

        var inMemory = Assert.Single(retainer.Messages.Match("contended", _f.NowMs));
        var onDisk = Assert.Single((await ReloadAsync()).Match("contended", _f.NowMs));
        Assert.Equal(Text(inMemory), Text(onDisk));
    }

    [StoreFact]
    public async Task Purging_expired_retained_messages_deletes_their_rows_too()
    {
        var retainer = PersistentRetainer();
        var a = retainer.Store(_f.Message("short", retain: true, expirySeconds: 5));
        var b = retainer.Store(_f.Message("long", retain: true, expirySeconds: 500));
        var c = retainer.Store(_f.Message("forever", retain: true));
        await Task.WhenAll(a!, b!, c!);
        _f.Clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(1, await retainer.PurgeExpiredAsync());

        Assert.Equal(2, retainer.Messages.Count);
        Assert.Equal(["forever", "long"], (await KeysAsync()).Order(StringComparer.Ordinal));
    }

    private async Task<List<string>> KeysAsync()
    {
        var keys = new List<string>();
        await foreach (var entry in Store.LoadAllAsync(RetainedMessagePersistence.Kind))
        {
            keys.Add(entry.Key);
        }

        return keys;
    }
}

public sealed class SqliteRetainedMessagePersistenceTests : RetainedMessagePersistenceTests
{
    private SqliteTestStore _files = null!;
    private SqliteDatabase _database = null!;

    public override async Task InitializeAsync()
    {
        _files = await SqliteTestStore.CreateAsync();
        _database = SqliteDatabase.Open(_files.Options);
        Store = new SqliteDurableStateStore(_database);
    }

    public override async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await _database.DisposeAsync();
        await _files.DisposeAsync();
    }
}

[RequiresPostgres]
public sealed class PostgresRetainedMessagePersistenceTests : RetainedMessagePersistenceTests
{
    private PostgresTestStore _schema = null!;
    private PostgresDatabase _database = null!;

    public override async Task InitializeAsync()
    {
        _schema = await PostgresTestStore.CreateAsync();
        _database = await PostgresDatabase.OpenAsync(_schema.Options);
        Store = new PostgresDurableStateStore(_database);
    }

    public override async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await _database.DisposeAsync();
        await _schema.DisposeAsync();
    }
}
