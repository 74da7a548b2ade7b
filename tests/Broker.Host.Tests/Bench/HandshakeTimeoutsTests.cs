using Broker.Host.Bench;

namespace Broker.Host.Tests.Bench;

public sealed class HandshakeTimeoutsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_handshake_token_is_cancelled_once_the_timeout_has_passed()
    {
        using var timeouts = new HandshakeTimeouts(TimeSpan.Zero, CancellationToken.None);

        var token = timeouts.Next();

        await Task.Delay(Timeout.InfiniteTimeSpan, token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Limit);
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public async Task Stopping_the_run_cancels_every_handshake_token()
    {
        using var run = new CancellationTokenSource();
        using var timeouts = new HandshakeTimeouts(TimeSpan.FromHours(1), run.Token);
        var token = timeouts.Next();
        Assert.False(token.IsCancellationRequested);

        await run.CancelAsync();

        Assert.True(token.IsCancellationRequested);
    }
}
