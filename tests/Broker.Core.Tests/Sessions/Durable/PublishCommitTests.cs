using Broker.Actors.TestKit;
using Broker.Core.Messaging;

namespace Broker.Core.Tests.Sessions.Durable;

public class PublishCommitTests : ActorTestKit
{
    [Fact]
    public void Nobody_joining_completes_at_seal_without_telling_the_publisher()
    {
        var commit = new PublishCommit(TestActor.Ref, waitsForStorage: true).Begin(1);

        Assert.True(commit.Seal());
        Assert.True(commit.IsComplete);
        Assert.False(commit.Failed);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void The_last_participant_to_leave_after_the_seal_tells_the_publisher_once()
    {
        var commit = new PublishCommit(TestActor.Ref, waitsForStorage: true).Begin(7);
        commit.Join();
        commit.Join();

        Assert.False(commit.Seal());
        commit.Succeed();
        Assert.False(commit.IsComplete);
        commit.Succeed();

        Assert.Same(commit, ExpectMsg<PublishCommit>());
        Assert.Equal(7, commit.PacketId);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Participants_leaving_before_the_seal_complete_it_at_the_seal_and_one_failure_fails_it()
    {
        var commit = new PublishCommit(TestActor.Ref, waitsForStorage: true).Begin(1);
        commit.Join();
        commit.Join();
        commit.Fail();
        commit.Succeed();

        Assert.True(commit.Seal());
        Assert.True(commit.Failed);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
