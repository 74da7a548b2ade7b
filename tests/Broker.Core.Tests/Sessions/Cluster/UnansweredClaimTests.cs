using Broker.Core.Sessions;
using Broker.Core.Tests.Sessions.Cluster.Support;

namespace Broker.Core.Tests.Sessions.Cluster;

/// <summary>
/// A claim its owner does not answer (the owner entity's node died and is not removed yet): a connection that keeps no
/// session is served after a short wait, one whose session outlives it keeps waiting.
/// </summary>
public sealed class UnansweredClaimTests : ClusterSessionTests
{
    [Fact]
    public void A_connection_that_keeps_no_session_is_served_after_the_short_wait()
    {
        var a = Node("A");
        Network.HoldClaims = true;

        var pending = a.Connect("transient", cleanStart: true, expiry: 0);
        Network.WaitHeldClaims(1);
        Time.Advance(SessionRegistry.TransientClaimWait);

        Assert.False(pending.Opened().SessionPresent);
        Assert.True(a.Holds("transient"));
    }

    [Fact]
    public void A_session_that_outlives_its_connection_waits_for_its_owner()
    {
        var a = Node("A");
        Network.HoldClaims = true;

        var pending = a.Connect("durable", cleanStart: true, expiry: 3600);
        Network.WaitHeldClaims(1);
        Time.Advance(SessionRegistry.TransientClaimWait * 2);

        pending.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        Network.Grant("A", "durable");
        Assert.False(pending.Opened().SessionPresent);
    }
}
