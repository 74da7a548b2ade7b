using Broker.Core.Security.Protection;
using Broker.Mqtt;

namespace Broker.Core.Tests.Security.Protection;

public sealed class OverloadGuardTests
{
    private const long MB = 1024 * 1024;

    [Fact]
    public void Memory_above_its_watermark_refuses_with_quota_exceeded_and_a_long_run_queue_with_server_busy()
    {
        var guard = new OverloadGuard(new OverloadSettings(0.8, 1000));

        Assert.Null(guard.Sample(700 * MB, 1000 * MB, 999));
        Assert.Null(guard.Current);

        var memory = guard.Sample(850 * MB, 1000 * MB, 0);
        Assert.Equal(ReasonCode.QuotaExceeded, memory!.Now!.Code);
        Assert.Contains("memory at 85", memory.Now.Cause, StringComparison.Ordinal);
        Assert.Null(guard.Sample(900 * MB, 1000 * MB, 0));

        var threads = guard.Sample(100 * MB, 1000 * MB, 5000);
        Assert.Equal((ReasonCode.QuotaExceeded, ReasonCode.ServerBusy), (threads!.Before!.Code, threads.Now!.Code));

        var recovered = guard.Sample(100 * MB, 1000 * MB, 10);
        Assert.Null(recovered!.Now);
        Assert.Null(guard.Current);
    }
}
