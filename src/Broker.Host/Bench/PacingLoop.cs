namespace Broker.Host.Bench;

/// <summary>
/// The one loop that sends every paced publisher's messages (--rate above 0), on a thread of its own rather than a
/// timer per publisher: it sleeps until the stream's next message is due (<see cref="PaceSchedule"/>), then gives a
/// turn to each publisher whose message came due, which sends everything it owes in one write. A publisher that
/// cannot send at its turn (a write still pending, its in-flight window full) catches up at its next one. However
/// late the loop wakes, one pass visits each publisher at most once.
/// </summary>
public static class PacingLoop
{
    /// <param name="sendDue">(publisher, how many of its messages are due so far): sends those not sent yet, if it can
    /// now, without blocking.</param>
    public static void Run(PaceSchedule schedule, IPaceClock clock, long deadlineTicks, Action<int, long> sendDue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(sendDue);
        long next = 0; // the stream's first message whose publisher has not had its turn yet
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = clock.Now();
            if (now >= deadlineTicks)
                return;
            var due = schedule.DueTotal(now);
            var end = Math.Min(due, next + schedule.Publishers);
            for (var index = next; index < end; index++)
            {
                var publisher = schedule.PublisherOf(index);
                sendDue(publisher, schedule.DueFor(publisher, due));
            }
            next = Math.Max(next, due);
            clock.SleepUntil(Math.Min(schedule.TicksOf(next), deadlineTicks));
        }
    }
}
