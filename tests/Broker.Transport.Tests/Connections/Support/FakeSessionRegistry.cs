using Broker.Actors;
using Broker.Core.Sessions;

namespace Broker.Transport.Tests.Connections.Support;

/// <summary>
/// Stands in for the session registry: records each OpenSession, sends its CONNACK on the connection
/// as a session would, and answers that <paramref name="session"/> (a probe) now serves it.
/// </summary>
internal sealed class FakeSessionRegistry(IActorRef session, IActorRef recorder) : ActorBase
{
    protected override void Receive(object message)
    {
        if (message is OpenSession open)
        {
            recorder.Tell(open);
            open.Connection.Send(open.ConnAck);
            Sender!.Tell(new SessionOpened(session, SessionPresent: false));
        }
    }
}
