using System.Net;
using Broker.Actors.TestKit;
using Broker.Core.Security;
using Broker.Core.Security.Protection;

namespace Broker.Core.Tests.Security.Protection;

public sealed class BanListTests
{
    private readonly ManualTimeProvider _time = new();

    private BanList List(params Ban[] bans)
    {
        var list = new BanList(_time);
        foreach (var ban in bans)
        {
            list.Add(ban);
        }

        return list;
    }

    private Ban Ban(BanKind kind, string who, TimeSpan? for_ = null) =>
        new(kind, who, "operator", "test", _time.GetUtcNow(), for_ is { } d ? _time.GetUtcNow() + d : null);

    private static ClientInfo Client(string clientId = "press-7", string? username = "line1-press", string? address = "10.1.2.3") =>
        new() { ClientId = clientId, Username = username, PeerHost = address is null ? null : IPAddress.Parse(address) };

    [Fact]
    public void Each_kind_bans_what_it_names_and_nothing_else()
    {
        Assert.NotNull(List(Ban(BanKind.ClientId, "press-7")).Find(Client()));
        Assert.Null(List(Ban(BanKind.ClientId, "press-8")).Find(Client()));
        Assert.NotNull(List(Ban(BanKind.Username, "line1-press")).Find(Client()));
        Assert.Null(List(Ban(BanKind.Username, "line1-press")).Find(Client(username: null)));
        Assert.NotNull(List(Ban(BanKind.PeerHost, "10.1.2.3")).Find(Client()));
        Assert.NotNull(List(Ban(BanKind.PeerHost, "10.1.2.3")).Find(Client(address: "::ffff:10.1.2.3")));
        Assert.NotNull(List(Ban(BanKind.PeerNetwork, "10.1.0.0/16")).Find(Client()));
        Assert.Null(List(Ban(BanKind.PeerNetwork, "10.2.0.0/16")).Find(Client()));
        Assert.NotNull(List(Ban(BanKind.ClientIdPattern, "^press-[0-9]+$")).Find(Client()));
        Assert.Null(List(Ban(BanKind.ClientIdPattern, "^oven-")).Find(Client()));
        Assert.NotNull(List(Ban(BanKind.UsernamePattern, "^line1-")).Find(Client()));
    }

    [Fact]
    public void A_ban_ends_when_it_expires_and_can_be_lifted()
    {
        var list = List(Ban(BanKind.ClientId, "press-7", TimeSpan.FromMinutes(5)), Ban(BanKind.PeerNetwork, "10.0.0.0/8", TimeSpan.FromMinutes(1)));
        Assert.Equal(2, list.List().Count);

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("press-7", list.Find(Client())!.Who);
        Assert.Single(list.List());

        Assert.True(list.Remove(BanKind.ClientId, "press-7"));
        Assert.Null(list.Find(Client()));
        Assert.False(list.Remove(BanKind.ClientId, "press-7"));
    }

    [Theory]
    [InlineData(BanKind.PeerHost, "10.1.2")]
    [InlineData(BanKind.PeerNetwork, "10.0.0.0/33")]
    [InlineData(BanKind.ClientIdPattern, "([a-")]
    public void A_bad_subject_is_refused_with_a_reason(BanKind kind, string who) =>
        Assert.Throws<ArgumentException>(() => List(Ban(kind, who)));

    [Fact]
    public void The_bootstrap_file_reads_emqx_s_format()
    {
        var bans = BanFile.Parse(
            "as,who,by,reason,at,until\nclientid,press-7,mes,stolen,2026-01-01T00:00:00Z,2099-01-01T00:00:00Z\npeerhost_net,192.168.0.0/24,,,,\n",
            _time.GetUtcNow(), "banned.csv");

        Assert.Equal((BanKind.ClientId, "press-7", "stolen"), (bans[0].Kind, bans[0].Who, bans[0].Reason));
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), bans[0].Until);
        Assert.Equal((BanKind.PeerNetwork, (DateTimeOffset?)null, _time.GetUtcNow()), (bans[1].Kind, bans[1].Until, bans[1].At));
    }

    [Theory]
    [InlineData("who,as\n", "banned.csv, line 1: expected the header")]
    [InlineData("as,who,by,reason,at,until\nmac,aa:bb,,,,\n", "banned.csv, line 2: unknown \"as\" mac")]
    [InlineData("as,who,by,reason,at,until\nclientid,,,,,\n", "banned.csv, line 2: expected 6 fields")]
    [InlineData("as,who,by,reason,at,until\nclientid,a,,,,tomorrow\n", "banned.csv, line 2: \"tomorrow\" is not a time")]
    public void A_bad_bootstrap_file_names_the_line(string text, string message) =>
        Assert.StartsWith(message, Assert.Throws<FormatException>(() => BanFile.Parse(text, _time.GetUtcNow(), "banned.csv")).Message, StringComparison.Ordinal);
}
