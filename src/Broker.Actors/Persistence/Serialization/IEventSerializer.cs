namespace Broker.Actors.Persistence.Serialization;

/// <summary>
/// Turns values of one type into bytes and back, for the journal and the snapshot store. One instance
/// serves one registered type; the manifest that names the type in the database is the registry's
/// business, so a serializer can be reused under several manifests (an old name kept for old rows).
/// </summary>
public interface IEventSerializer
{
    byte[] ToBytes(object value);

    object FromBytes(ReadOnlySpan<byte> bytes);
}
