using Broker.Host.Alarms;

namespace Broker.Host.Tests.Alarms;

public sealed class AlarmBookTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_alarm_is_raised_once_and_cleared_once_into_the_history()
    {
        var book = new AlarmBook("broker@a", sizeLimit: 10, TimeSpan.FromHours(24));
        var raised = book.Activate("partition", NodeAlarms.Details(("occurred", "broker@a")), "split", T0);

        Assert.NotNull(raised);
        Assert.True(raised.IsActive);
        Assert.Equal("broker@a", raised.Node);
        Assert.Null(book.Activate("partition", NodeAlarms.Details(), "again", T0.AddSeconds(1)));
        var cleared = book.Deactivate("partition", T0.AddSeconds(5));

        Assert.NotNull(cleared);
        Assert.Equal((T0, T0.AddSeconds(5), "split"), (cleared.ActivateAt, cleared.DeactivateAt!.Value, cleared.Message));
        Assert.Equal(TimeSpan.FromSeconds(5), cleared.Duration(T0.AddHours(1)));
        Assert.Null(book.Deactivate("partition", T0.AddSeconds(6)));
        Assert.Empty(book.Active());
        Assert.Equal("broker@a", Assert.Single(book.Deactivated(T0.AddSeconds(6))).Details.GetProperty("occurred").GetString());
    }

    [Fact]
    public void The_history_keeps_the_newest_size_limit_alarms()
    {
        var book = new AlarmBook("n", sizeLimit: 3, TimeSpan.FromHours(24));
        for (var i = 0; i < 5; i++)
        {
            book.Activate($"a{i}", NodeAlarms.Details(), "m", T0.AddSeconds(i));
            book.Deactivate($"a{i}", T0.AddSeconds(i + 1));
        }

        Assert.Equal(["a2", "a3", "a4"], book.Deactivated(T0.AddMinutes(1)).Select(a => a.Name));
    }

    [Fact]
    public void A_cleared_alarm_goes_once_its_validity_period_after_clearing_has_passed()
    {
        var book = new AlarmBook("n", sizeLimit: 10, TimeSpan.FromHours(1));
        book.Activate("old", NodeAlarms.Details(), "m", T0);
        book.Deactivate("old", T0.AddMinutes(10));
        book.Activate("new", NodeAlarms.Details(), "m", T0.AddMinutes(20));
        book.Deactivate("new", T0.AddMinutes(30));

        Assert.Equal(2, book.Deactivated(T0.AddMinutes(69)).Count);
        Assert.Equal("new", Assert.Single(book.Deactivated(T0.AddMinutes(70))).Name);
        book.Sweep(T0.AddMinutes(90));
        Assert.Empty(book.Deactivated(T0.AddMinutes(90)));
    }

    [Fact]
    public void Clearing_the_history_leaves_the_active_alarms()
    {
        var book = new AlarmBook("n", sizeLimit: 10, TimeSpan.FromHours(1));
        book.Activate("gone", NodeAlarms.Details(), "m", T0);
        book.Deactivate("gone", T0);
        book.Activate("still", NodeAlarms.Details(), "m", T0);

        book.ClearDeactivated();

        Assert.Empty(book.Deactivated(T0));
        Assert.Equal("still", Assert.Single(book.Active()).Name);
        Assert.True(book.IsActive("still"));
    }
}
