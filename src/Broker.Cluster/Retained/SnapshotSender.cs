using Akka.Actor;
using Broker.Core.Retained;
using static Broker.Cluster.Retained.RetainedReplicationProtocol;

namespace Broker.Cluster.Retained;

/// <summary>
/// Sends one snapshot (the changes taken when it was asked for) to the node that asked, a chunk at a time: the first at
/// once, each next when asked, so a large snapshot never fills the remoting buffers. A chunk holds changes up to
/// <c>chunkBytes</c>; a change larger than that goes alone (a message fits in a frame, which is at least the largest MQTT
/// packet plus 64 KB). Stops after the last chunk, or when not asked for the next one for a while.
/// </summary>
internal sealed class SnapshotSender : ReceiveActor
{
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(30);

    private readonly IActorRef _requester;
    private readonly long _requestId;
    private readonly IReadOnlyList<RetainedChange> _changes;
    private readonly int _chunkBytes;
    private int _position;
    private int _index;

    public SnapshotSender(IActorRef requester, long requestId, IReadOnlyList<RetainedChange> changes, int chunkBytes)
    {
        _requester = requester;
        _requestId = requestId;
        _changes = changes;
        _chunkBytes = chunkBytes;
        Receive<NextChunk>(next =>
        {
            if (next.RequestId == _requestId && next.Index == _index)
            {
                SendChunk();
            }
        });
        Receive<ReceiveTimeout>(_ => Context.Stop(Self));
    }

    protected override void PreStart()
    {
        Context.SetReceiveTimeout(IdleLimit);
        SendChunk();
    }

    private void SendChunk()
    {
        using var chunk = new MemoryStream();
        while (_position < _changes.Count)
        {
            var change = RetainedChangeFormat.Serialize(_changes[_position]);
            if (chunk.Length > 0 && chunk.Length + change.Length > _chunkBytes)
            {
                break;
            }

            chunk.Write(change);
            _position++;
        }

        var last = _position == _changes.Count;
        _requester.Tell(new SnapshotChunk(_requestId, _index, last, chunk.ToArray()), Self);
        _index++;
        if (last)
        {
            Context.Stop(Self);
        }
    }
}
