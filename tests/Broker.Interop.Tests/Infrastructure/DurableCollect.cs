namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// The checker of tests/interop-py/durable_clients.py's collect phase: each persistent subscriber found its session and
/// every acknowledged message of the publishers it was given.
/// </summary>
public static class DurableCollect
{
    /// <param name="who">Whose subscribers they are, for the test's output ("subscriber of the killed node").</param>
    public static void AssertEveryMessage(CapturedProcess collect, int subscribers, int expected, ITestOutputHelper output, string who)
    {
        var summaries = collect.Lines.Where(ClientEvent.Named("summary")).Select(ClientEvent.Parse).ToList();
        Assert.Equal(subscribers, summaries.Count);
        Assert.All(summaries, summary =>
        {
            output.WriteLine($"checker, {who}: {summary}");
            Assert.True(summary.GetProperty("session_present").GetBoolean(), $"{summary}: the session outlived its node");
            Assert.Equal("[]", summary.GetProperty("missing").GetRawText());
            Assert.Equal(expected, summary.GetProperty("received").GetInt32());
        });
    }
}
