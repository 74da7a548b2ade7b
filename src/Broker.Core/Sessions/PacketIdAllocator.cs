namespace Broker.Core.Sessions;

/// <summary>
/// Packet identifiers for the PUBLISH packets a session sends: 1..65535 in turn, skipping those still
/// in use [MQTT-2.2.1-4], so that an id is reused as late as possible (a late PUBACK for an id that was
/// already given to another message would acknowledge the wrong one).
/// </summary>
public sealed class PacketIdAllocator
{
    private ushort _last;

    /// <summary>False only when all 65,535 ids are in use.</summary>
    public bool TryAllocate(Func<ushort, bool> isInUse, out ushort packetId)
    {
        ArgumentNullException.ThrowIfNull(isInUse);
        for (var tried = 0; tried < ushort.MaxValue; tried++)
        {
            _last = _last == ushort.MaxValue ? (ushort)1 : (ushort)(_last + 1);
            if (!isInUse(_last))
            {
                packetId = _last;
                return true;
            }
        }

        packetId = 0;
        return false;
    }
}
