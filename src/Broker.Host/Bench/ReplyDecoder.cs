using System.Buffers;

namespace Broker.Host.Bench;

/// <summary>
/// Decodes every whole packet of <paramref name="buffer"/> (advancing it past them) and writes the
/// acknowledgements they need into <paramref name="replies"/>, growing it if needed; returns their length.
/// </summary>
public delegate int ReplyDecoder(ref ReadOnlySequence<byte> buffer, ref byte[] replies);
