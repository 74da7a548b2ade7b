using Broker.Actors;
using Broker.Transport.Messaging;

namespace Broker.Transport.Tests.Sessions.Support;

/// <summary>The publisher's session of a <see cref="PublishCommit"/> in pure tests: counts the completions it is told.</summary>
internal sealed class PublisherDouble : IActorRef
{
    private int _completions;

    public ActorPath Path { get; } = ActorPath.Parse("test://pure/user/sessions/publisher");

    public int Completions => Volatile.Read(ref _completions);

    /// <summary>A publish routed while its subscriber was full: the router joined its commit before telling the session.</summary>
    public PublishCommit RoutedWhileFull(ushort packetId = 1)
    {
        var commit = new PublishCommit(this, waitsForStorage: false).Begin(packetId);
        commit.Join();
        if (commit.Seal())
        {
            throw new InvalidOperationException("A joined commit cannot complete at its seal.");
        }

        return commit;
    }

    public void Tell(object message, IActorRef? sender = null)
    {
        if (message is not PublishCommit)
        {
            throw new InvalidOperationException($"A publisher is told its commits only, but got {message}.");
        }

        Interlocked.Increment(ref _completions);
    }
}
