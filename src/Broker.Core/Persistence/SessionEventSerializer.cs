using System.Collections.Immutable;
using System.Text;
using Broker.Actors.Persistence.Serialization;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Sessions.Journal;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Core.Persistence;

/// <summary>
/// The stored form of a session's events and snapshots: binary, a format version byte, a tag byte naming the
/// type, then the fields; messages in <see cref="ApplicationMessageFormat"/>. Compact because a durable
/// subscriber writes an event per message. Anything unexpected (version, tag, a value out of range, bytes
/// left over) is an <see cref="InvalidDataException"/>: the row is corrupt, and recovery reports it.
/// <para>
/// Versions. 1: a stored delivery has one subscription (filter, options, identifier), then FROM-RETAINED, then a
/// byte saying whether a share group follows. 2: that byte is a set of flags, bit 0 a share group follows, bit 1
/// the further subscriptions of a delivery that matched several follow (a count, then each one as the first); the
/// rest is as in 1. Both are read. A value is written in the lowest version that holds it, so that what has no
/// merged delivery stays readable by a broker that reads only 1, and one that has is refused by it as unknown,
/// never misread.
/// </para>
/// </summary>
public sealed class SessionEventSerializer : IEventSerializer
{
    private const byte Version1 = 1;
    private const byte Version = 2;
    private const byte ShareGroupFlag = 1 << 0;
    private const byte MoreMatchesFlag = 1 << 1;

    public static readonly SessionEventSerializer Instance = new();

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private enum Tag : byte
    {
        SubscriptionAdded = 1,
        SubscriptionRemoved,
        MessageStored,
        MessageSent,
        MessageReleased,
        MessageCompleted,
        MessageDiscarded,
        AwaitingRelAdded,
        AwaitingRelRemoved,
        SessionAttached,
        SessionDetached,
        Snapshot,
    }

    /// <summary>Registers every session event and the snapshot under stable manifests.</summary>
    public static EventSerializerRegistry RegisterAll(EventSerializerRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .Register<SubscriptionAdded>("mqtt.session.subscription-added", Instance)
            .Register<SubscriptionRemoved>("mqtt.session.subscription-removed", Instance)
            .Register<MessageStored>("mqtt.session.message-stored", Instance)
            .Register<MessageSent>("mqtt.session.message-sent", Instance)
            .Register<MessageReleased>("mqtt.session.message-released", Instance)
            .Register<MessageCompleted>("mqtt.session.message-completed", Instance)
            .Register<MessageDiscarded>("mqtt.session.message-discarded", Instance)
            .Register<AwaitingRelAdded>("mqtt.session.awaiting-rel-added", Instance)
            .Register<AwaitingRelRemoved>("mqtt.session.awaiting-rel-removed", Instance)
            .Register<SessionAttached>("mqtt.session.attached", Instance)
            .Register<SessionDetached>("mqtt.session.detached", Instance)
            .Register<SessionSnapshot>("mqtt.session.snapshot", Instance);
    }

    // Most events are a stored message of a few hundred bytes, written on a session's turn: one stream and writer per
    // thread, reused, leave the result array as the only allocation per event (a new stream, writer and the stream's
    // doubling buffers cost three to five more). A buffer grown past this by a large snapshot is not kept.
    private const int MaxCachedBuffer = 64 * 1024;

    [ThreadStatic]
    private static BinaryWriter? t_writer;

    public byte[] ToBytes(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var writer = t_writer ?? new BinaryWriter(new MemoryStream(256), StrictUtf8, leaveOpen: false);
        var stream = (MemoryStream)writer.BaseStream;
        t_writer = null;
        try
        {
            stream.SetLength(0);
            writer.Write(HasMergedDelivery(value) ? Version : Version1);
            Write(writer, value);
            writer.Flush();
            return stream.ToArray();
        }
        finally
        {
            // Taken off the thread while in use, so that a failure or a nested call never sees a half-written stream.
            if (stream.Capacity <= MaxCachedBuffer)
            {
                t_writer = writer;
            }
        }
    }

    public object FromBytes(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            using var reader = new BinaryReader(stream, StrictUtf8);
            var version = reader.ReadByte();
            if (version is not (Version1 or Version))
            {
                throw new InvalidDataException($"Unknown session event format version {version}.");
            }

            var value = Read(reader, version);
            if (stream.Position != stream.Length)
            {
                throw new InvalidDataException($"{stream.Length - stream.Position} bytes left after a session event.");
            }

            return value;
        }
        catch (Exception e) when (e is EndOfStreamException or DecoderFallbackException or ArgumentException)
        {
            throw new InvalidDataException("A session event is truncated or garbled.", e);
        }
    }

    private static void Write(BinaryWriter writer, object value)
    {
        switch (value)
        {
            case SubscriptionAdded added:
                writer.Write((byte)Tag.SubscriptionAdded);
                WriteSubscription(writer, added);
                break;
            case SubscriptionRemoved removed:
                writer.Write((byte)Tag.SubscriptionRemoved);
                writer.Write(removed.Filter);
                break;
            case MessageStored stored:
                writer.Write((byte)Tag.MessageStored);
                WriteStored(writer, stored);
                break;
            case MessageSent sent:
                writer.Write((byte)Tag.MessageSent);
                writer.Write7BitEncodedInt64(sent.Id);
                writer.Write(sent.PacketId);
                break;
            case MessageReleased released:
                writer.Write((byte)Tag.MessageReleased);
                writer.Write(released.PacketId);
                break;
            case MessageCompleted completed:
                writer.Write((byte)Tag.MessageCompleted);
                writer.Write(completed.PacketId);
                break;
            case MessageDiscarded discarded:
                writer.Write((byte)Tag.MessageDiscarded);
                writer.Write7BitEncodedInt64(discarded.Id);
                break;
            case AwaitingRelAdded rel:
                writer.Write((byte)Tag.AwaitingRelAdded);
                WriteRel(writer, rel);
                break;
            case AwaitingRelRemoved rel:
                writer.Write((byte)Tag.AwaitingRelRemoved);
                writer.Write(rel.PacketId);
                break;
            case SessionAttached attached:
                writer.Write((byte)Tag.SessionAttached);
                writer.Write(attached.ExpirySeconds);
                WriteWill(writer, attached.Will);
                break;
            case SessionDetached detached:
                writer.Write((byte)Tag.SessionDetached);
                writer.Write(detached.AtMs);
                writer.Write(detached.ExpirySeconds);
                WriteWill(writer, detached.PendingWill);
                break;
            case SessionSnapshot snapshot:
                writer.Write((byte)Tag.Snapshot);
                WriteSnapshot(writer, snapshot);
                break;
            default:
                throw new ArgumentException($"{value.GetType()} is not a session event.", nameof(value));
        }
    }

    /// <summary>Whether the value holds a delivery of several subscriptions: only version 2 can hold it.</summary>
    private static bool HasMergedDelivery(object value) => value switch
    {
        MessageStored stored => stored.Deliver.Matches.Length > 1,
        SessionSnapshot snapshot => snapshot.State.Queued.Any(static q => q.Deliver.Matches.Length > 1)
            || snapshot.State.Inflight.Any(static i => i.Message.Deliver.Matches.Length > 1),
        _ => false,
    };

    private static object Read(BinaryReader reader, byte version) => (Tag)reader.ReadByte() switch
    {
        Tag.SubscriptionAdded => ReadSubscription(reader),
        Tag.SubscriptionRemoved => new SubscriptionRemoved(reader.ReadString()),
        Tag.MessageStored => ReadStored(reader, version),
        Tag.MessageSent => new MessageSent(ReadId(reader), reader.ReadUInt16()),
        Tag.MessageReleased => new MessageReleased(reader.ReadUInt16()),
        Tag.MessageCompleted => new MessageCompleted(reader.ReadUInt16()),
        Tag.MessageDiscarded => new MessageDiscarded(ReadId(reader)),
        Tag.AwaitingRelAdded => ReadRel(reader),
        Tag.AwaitingRelRemoved => new AwaitingRelRemoved(reader.ReadUInt16()),
        Tag.SessionAttached => new SessionAttached(reader.ReadUInt32(), ReadWill(reader)),
        Tag.SessionDetached => new SessionDetached(reader.ReadInt64(), reader.ReadUInt32(), ReadWill(reader)),
        Tag.Snapshot => ReadSnapshot(reader, version),
        var tag => throw new InvalidDataException($"Unknown session event tag {(byte)tag}."),
    };

    private static void WriteSubscription(BinaryWriter writer, SubscriptionAdded added)
    {
        writer.Write(added.Filter);
        writer.Write(OptionsByte(added.Subscription.Options));
        writer.Write7BitEncodedInt(added.Subscription.SubscriptionId);
    }

    private static SubscriptionAdded ReadSubscription(BinaryReader reader)
    {
        var filter = reader.ReadString();
        var options = ReadOptions(reader.ReadByte());
        var subscriptionId = reader.Read7BitEncodedInt();
        return new SubscriptionAdded(filter, new SessionSubscription(options, subscriptionId));
    }

    private static void WriteStored(BinaryWriter writer, MessageStored stored)
    {
        writer.Write7BitEncodedInt64(stored.Id);
        writer.Write((byte)stored.QoS);
        writer.Write(stored.PacketId);
        var deliver = stored.Deliver;
        var matches = deliver.Matches;
        ApplicationMessageFormat.Write(writer, deliver.Message);
        WriteMatch(writer, matches[0]);
        writer.Write(deliver.FromRetained);
        writer.Write((byte)((deliver.ShareGroup is null ? 0 : ShareGroupFlag) | (matches.Length > 1 ? MoreMatchesFlag : 0)));
        if (deliver.ShareGroup is { } group)
        {
            writer.Write(group);
        }

        if (matches.Length > 1)
        {
            writer.Write7BitEncodedInt(matches.Length - 1);
            for (var i = 1; i < matches.Length; i++)
            {
                WriteMatch(writer, matches[i]);
            }
        }
    }

    private static MessageStored ReadStored(BinaryReader reader, byte version)
    {
        var id = ReadId(reader);
        var qos = ReadQoS(reader.ReadByte());
        var packetId = reader.ReadUInt16();
        var message = ApplicationMessageFormat.Read(reader);
        var first = ReadMatch(reader);
        var fromRetained = reader.ReadBoolean();
        var flags = reader.ReadByte();
        if ((flags & ~(version == Version1 ? ShareGroupFlag : ShareGroupFlag | MoreMatchesFlag)) != 0)
        {
            throw new InvalidDataException($"Invalid stored delivery flags 0x{flags:X2} in version {version}.");
        }

        var group = (flags & ShareGroupFlag) != 0 ? reader.ReadString() : null;
        var matches = (flags & MoreMatchesFlag) != 0 ? [first, .. ReadList(reader, ReadMatch)] : ImmutableArray.Create(first);
        return new MessageStored(id, new Deliver(message, matches, group, fromRetained), qos, packetId);
    }

    private static void WriteMatch(BinaryWriter writer, SubscriptionMatch match)
    {
        writer.Write(match.Filter);
        writer.Write(OptionsByte(match.Options));
        writer.Write7BitEncodedInt(match.SubscriptionId);
    }

    private static SubscriptionMatch ReadMatch(BinaryReader reader) =>
        new(reader.ReadString(), ReadOptions(reader.ReadByte()), reader.Read7BitEncodedInt());

    private static void WriteRel(BinaryWriter writer, AwaitingRelAdded rel)
    {
        writer.Write(rel.PacketId);
        writer.Write(rel.ReceivedAtMs);
    }

    private static AwaitingRelAdded ReadRel(BinaryReader reader) => new(reader.ReadUInt16(), reader.ReadInt64());

    /// <summary>A will is kept as the message it will publish, plus its delay (the one will property a PUBLISH does not forward).</summary>
    private static void WriteWill(BinaryWriter writer, WillMessage? will)
    {
        writer.Write(will is not null);
        if (will is null)
        {
            return;
        }

        ApplicationMessageFormat.Write(writer, new ApplicationMessage
        {
            Topic = will.Topic,
            Payload = will.Payload,
            QoS = will.QoS,
            Retain = will.Retain,
            Properties = will.Properties with { WillDelayInterval = null },
        });
        writer.Write(will.Properties.WillDelayInterval is not null);
        writer.Write(will.Properties.WillDelayInterval ?? 0);
    }

    private static WillMessage? ReadWill(BinaryReader reader)
    {
        if (!reader.ReadBoolean())
        {
            return null;
        }

        var message = ApplicationMessageFormat.Read(reader);
        var hasDelay = reader.ReadBoolean();
        var delay = reader.ReadUInt32();
        return new WillMessage
        {
            Topic = message.Topic,
            Payload = message.Payload,
            QoS = message.QoS,
            Retain = message.Retain,
            Properties = message.Properties with { WillDelayInterval = hasDelay ? delay : null },
        };
    }

    private static void WriteSnapshot(BinaryWriter writer, SessionSnapshot snapshot)
    {
        var state = snapshot.State;
        WriteList(writer, state.Subscriptions, WriteSubscription);
        WriteList(writer, state.Queued, WriteStored);
        WriteList(writer, state.Inflight, static (w, m) =>
        {
            WriteStored(w, m.Message);
            w.Write((byte)m.Phase);
        });
        WriteList(writer, state.AwaitingRel, WriteRel);
        writer.Write7BitEncodedInt64(state.NextMessageId);
        writer.Write(snapshot.ExpirySeconds);
        WriteWill(writer, snapshot.Will);
        writer.Write(snapshot.DetachedAtMs is not null);
        writer.Write(snapshot.DetachedAtMs ?? 0);
        WriteWill(writer, snapshot.PendingWill);
    }

    private static SessionSnapshot ReadSnapshot(BinaryReader reader, byte version)
    {
        var subscriptions = ReadList(reader, ReadSubscription);
        var queued = ReadList(reader, r => ReadStored(r, version));
        var inflight = ReadList(reader, r => new InflightSnapshot(ReadStored(r, version), ReadPhase(r.ReadByte())));
        var rel = ReadList(reader, ReadRel);
        var nextId = ReadId(reader);
        var state = new SessionStateSnapshot(subscriptions, queued, inflight, rel, nextId);
        var expiry = reader.ReadUInt32();
        var will = ReadWill(reader);
        var detached = reader.ReadBoolean();
        var detachedAt = reader.ReadInt64();
        return new SessionSnapshot(state, expiry, will, detached ? detachedAt : null, ReadWill(reader));
    }

    private static void WriteList<T>(BinaryWriter writer, IReadOnlyList<T> items, Action<BinaryWriter, T> write)
    {
        writer.Write7BitEncodedInt(items.Count);
        foreach (var item in items)
        {
            write(writer, item);
        }
    }

    private static List<T> ReadList<T>(BinaryReader reader, Func<BinaryReader, T> read)
    {
        var count = reader.Read7BitEncodedInt();

        // Each item takes at least one byte: a count beyond what remains is a corrupt row, not a reason to allocate.
        if (count < 0 || count > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new InvalidDataException($"A session snapshot claims {count} items.");
        }

        var items = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(read(reader));
        }

        return items;
    }

    private static long ReadId(BinaryReader reader)
    {
        var id = reader.Read7BitEncodedInt64();
        return id >= 0 ? id : throw new InvalidDataException($"Negative message id {id}.");
    }

    private static byte OptionsByte(SubscriptionOptions options) => (byte)(
        (byte)options.MaximumQoS
        | (options.NoLocal ? 1 << 2 : 0)
        | (options.RetainAsPublished ? 1 << 3 : 0)
        | ((byte)options.RetainHandling << 4));

    private static SubscriptionOptions ReadOptions(byte value)
    {
        var handling = (value >> 4) & 0b11;
        if ((value & 0b1100_0000) != 0 || handling == 3)
        {
            throw new InvalidDataException($"Invalid subscription options byte 0x{value:X2}.");
        }

        return new SubscriptionOptions(ReadQoS((byte)(value & 0b11)), (value & (1 << 2)) != 0, (value & (1 << 3)) != 0, (RetainHandling)handling);
    }

    private static QualityOfService ReadQoS(byte value) =>
        value <= 2 ? (QualityOfService)value : throw new InvalidDataException($"Invalid QoS {value}.");

    private static InflightPhase ReadPhase(byte value) =>
        value <= (byte)InflightPhase.AwaitingComp ? (InflightPhase)value : throw new InvalidDataException($"Invalid inflight phase {value}.");
}
