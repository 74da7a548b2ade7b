using Broker.Mqtt;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// A connection's recent decisions: an LRU of at most <c>capacity</c> entries, each trusted for <c>ttl</c> from when
/// it was stored. The entries live in one array linked by index (most recent at the head), so a hit costs one
/// dictionary lookup and a few index moves, and nothing is allocated after the cache has filled once.
/// Not thread-safe: its <see cref="ClientAuthorization"/> is used by one thread at a time.
/// </summary>
internal sealed class DecisionCache
{
    private const int None = -1;

    private readonly Dictionary<DecisionKey, int> _index;
    private readonly Entry[] _entries;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;
    private int _head = None;
    private int _tail = None;
    private int _free = None;
    private int _used;

    public DecisionCache(int capacity, TimeSpan ttl, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _index = new Dictionary<DecisionKey, int>(capacity);
        _entries = new Entry[capacity];
        _ttl = ttl;
        _time = time;
    }

    public int Count => _index.Count;

    public bool TryGet(in DecisionKey key, out AclDecision decision)
    {
        if (!_index.TryGetValue(key, out var slot))
        {
            decision = default;
            return false;
        }

        if (_time.GetElapsedTime(_entries[slot].StoredAt) >= _ttl)
        {
            Remove(key, slot);
            decision = default;
            return false;
        }

        MoveToHead(slot);
        decision = _entries[slot].Decision;
        return true;
    }

    public void Add(in DecisionKey key, AclDecision decision)
    {
        if (_index.TryGetValue(key, out var slot))
        {
            Unlink(slot);
        }
        else
        {
            slot = TakeSlot();
            _index.Add(key, slot);
        }

        _entries[slot] = new Entry { Key = key, Decision = decision, StoredAt = _time.GetTimestamp() };
        LinkAtHead(slot);
    }

    public void Clear()
    {
        _index.Clear();
        Array.Clear(_entries);
        _head = _tail = _free = None;
        _used = 0;
    }

    private int TakeSlot()
    {
        if (_free != None)
        {
            var slot = _free;
            _free = _entries[slot].Next;
            return slot;
        }

        if (_used < _entries.Length)
        {
            return _used++;
        }

        var oldest = _tail;
        _index.Remove(_entries[oldest].Key);
        Unlink(oldest);
        return oldest;
    }

    private void Remove(in DecisionKey key, int slot)
    {
        _index.Remove(key);
        Unlink(slot);
        _entries[slot] = new Entry { Next = _free };
        _free = slot;
    }

    private void MoveToHead(int slot)
    {
        if (slot != _head)
        {
            Unlink(slot);
            LinkAtHead(slot);
        }
    }

    private void LinkAtHead(int slot)
    {
        ref var entry = ref _entries[slot];
        entry.Previous = None;
        entry.Next = _head;
        if (_head != None)
        {
            _entries[_head].Previous = slot;
        }

        _head = slot;
        if (_tail == None)
        {
            _tail = slot;
        }
    }

    private void Unlink(int slot)
    {
        ref var entry = ref _entries[slot];
        if (entry.Previous != None)
        {
            _entries[entry.Previous].Next = entry.Next;
        }
        else
        {
            _head = entry.Next;
        }

        if (entry.Next != None)
        {
            _entries[entry.Next].Previous = entry.Previous;
        }
        else
        {
            _tail = entry.Previous;
        }
    }

    private struct Entry
    {
        public DecisionKey Key;
        public AclDecision Decision;
        public long StoredAt;
        public int Previous;
        public int Next;
    }
}

/// <summary>What a decision depends on besides the client, who is fixed for the cache's connection.</summary>
internal readonly record struct DecisionKey(AclAction Action, string Topic, QualityOfService Qos, bool Retain);
