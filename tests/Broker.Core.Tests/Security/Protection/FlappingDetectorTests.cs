using Broker.Actors.TestKit;
using Broker.Core.Security;
using Broker.Core.Security.Protection;
using Broker.Core.Security.Records;

namespace Broker.Core.Tests.Security.Protection;

public sealed class FlappingDetectorTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly BanList _bans;
    private readonly SecurityStore _store;
    private readonly FlappingDetector _detector;

    public FlappingDetectorTests()
    {
        _bans = new BanList(_time);
        _store = new SecurityStore(null, _time);
        _detector = new FlappingDetector(new FlappingSettings(3, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)), new BannedClients(_bans, _store), _time);
    }

    [Fact]
    public void The_connect_past_max_count_within_the_window_bans_the_client_id_for_the_ban_time()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(_detector.Connecting("press-7"));
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        var ban = _detector.Connecting("press-7");

        Assert.NotNull(ban);
        Assert.Equal((BanKind.ClientId, "press-7", "flapping_detect"), (ban.Kind, ban.Who, ban.By));
        var client = new ClientInfo { ClientId = "press-7" };
        Assert.Equal(ban, _bans.Find(client));
        Assert.Null(_detector.Connecting("press-8"));

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(_bans.Find(client));
    }

    [Fact]
    public void Connects_spread_wider_than_the_window_are_never_flapping()
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(_detector.Connecting("press-7"));
            _time.Advance(TimeSpan.FromSeconds(25));
        }
    }

    [Fact]
    public void The_bans_it_added_are_forgotten_once_they_expire_even_if_their_client_ids_never_return()
    {
        for (var i = 0; i < 50; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                _detector.Connecting($"looping-{i}");
            }
        }

        Assert.Equal(50, _bans.Count);
        Assert.Equal(50, _store.Entries(BannedClients.TableKind).Count);
        _time.Advance(TimeSpan.FromMinutes(5));
        _detector.Connecting("someone-else");

        Assert.Equal(0, _bans.Count);
        Assert.Empty(_store.Entries(BannedClients.TableKind));
    }

    [Fact]
    public void Ended_windows_are_swept_so_the_table_holds_only_recent_client_ids()
    {
        for (var i = 0; i < 100; i++)
        {
            _detector.Connecting($"device-{i}");
        }

        Assert.Equal(100, _detector.Tracked);
        _time.Advance(TimeSpan.FromMinutes(1));
        _detector.Connecting("late");

        Assert.Equal(1, _detector.Tracked);
    }
}
