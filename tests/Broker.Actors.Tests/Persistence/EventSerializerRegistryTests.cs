using Broker.Actors.Persistence.Serialization;

namespace Broker.Actors.Tests.Persistence;

public sealed class EventSerializerRegistryTests
{
    [Fact]
    public void A_registered_record_round_trips_through_its_manifest()
    {
        var registry = Counter.Serializers();

        var stored = registry.Serialize(new Added(42));

        Assert.Equal("added", stored.Manifest);
        Assert.Equal(new Added(42), registry.Deserialize(stored.Manifest, stored.Bytes));
    }

    [Fact]
    public void An_unregistered_type_cannot_be_stored()
    {
        var registry = Counter.Serializers();

        Assert.Throws<UnregisteredTypeException>(() => registry.Serialize(new Add(1)));
    }

    [Fact]
    public void A_stored_manifest_never_names_a_type_of_its_own_choosing()
    {
        var registry = Counter.Serializers();

        // A row naming any loadable type must not instantiate it: only registered manifests are read.
        Assert.Throws<UnregisteredTypeException>(() => registry.Deserialize(typeof(Added).AssemblyQualifiedName!, "{}"u8));
    }

    [Fact]
    public void An_alias_reads_rows_written_under_an_old_manifest()
    {
        var registry = Counter.Serializers().RegisterAlias<Added>("counter-added-v0");
        var bytes = registry.Serialize(new Added(3)).Bytes;

        Assert.Equal(new Added(3), registry.Deserialize("counter-added-v0", bytes));
        Assert.Equal("added", registry.Serialize(new Added(3)).Manifest);
    }

    [Fact]
    public void A_manifest_or_a_type_is_registered_once()
    {
        var registry = Counter.Serializers();

        Assert.Throws<InvalidOperationException>(() => registry.Register<Add>("added"));
        Assert.Throws<InvalidOperationException>(() => registry.Register<Added>("added-again"));
        Assert.False(registry.IsRegistered(typeof(Add)));
    }

    [Fact]
    public void A_custom_serializer_is_used_for_its_type()
    {
        var registry = new EventSerializerRegistry().Register<Added>("added-binary", new BinaryAddedSerializer());

        var stored = registry.Serialize(new Added(258));

        Assert.Equal([2, 1, 0, 0], stored.Bytes);
        Assert.Equal(new Added(258), registry.Deserialize("added-binary", stored.Bytes));
    }

    private sealed class BinaryAddedSerializer : IEventSerializer
    {
        public byte[] ToBytes(object value) => BitConverter.GetBytes(((Added)value).Amount);

        public object FromBytes(ReadOnlySpan<byte> bytes) => new Added(BitConverter.ToInt32(bytes));
    }
}
