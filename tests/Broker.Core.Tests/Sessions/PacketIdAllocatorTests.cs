using Broker.Core.Sessions;

namespace Broker.Core.Tests.Sessions;

public class PacketIdAllocatorTests
{
    [Fact]
    public void Ids_start_at_1_and_increase()
    {
        var allocator = new PacketIdAllocator();
        var ids = Enumerable.Range(0, 3).Select(_ => Allocate(allocator, _ => false)).ToArray();
        Assert.Equal(new ushort[] { 1, 2, 3 }, ids);
    }

    [Fact]
    public void MQTT_2_2_1_4_ids_in_use_are_skipped()
    {
        var allocator = new PacketIdAllocator();
        var inUse = new HashSet<ushort> { 1, 2, 4 };
        Assert.Equal(3, Allocate(allocator, inUse.Contains));
        Assert.Equal(5, Allocate(allocator, inUse.Contains));
    }

    [Fact]
    public void After_65535_comes_1_never_0()
    {
        var allocator = new PacketIdAllocator();
        for (var i = 0; i < ushort.MaxValue - 1; i++)
        {
            Allocate(allocator, _ => false);
        }

        Assert.Equal(ushort.MaxValue, Allocate(allocator, _ => false));
        Assert.Equal(1, Allocate(allocator, _ => false));
    }

    [Fact]
    public void No_id_when_all_are_in_use()
    {
        var allocator = new PacketIdAllocator();
        Assert.False(allocator.TryAllocate(_ => true, out var id));
        Assert.Equal(0, id);
    }

    private static ushort Allocate(PacketIdAllocator allocator, Func<ushort, bool> inUse)
    {
        Assert.True(allocator.TryAllocate(inUse, out var id));
        return id;
    }
}
