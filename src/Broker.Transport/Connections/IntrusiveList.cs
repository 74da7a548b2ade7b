namespace Broker.Transport.Connections;

/// <summary>
/// A doubly linked list threaded through its items: no node object per item, where a <c>LinkedList</c> node or a
/// concurrent dictionary's entry would cost every idle connection. The live connections of a node and
/// of a listener, and the connections waiting for their session, are kept so. Not thread-safe: its owner's lock
/// guards it. A mutable struct: keep it in a field that is not read-only and call it there, never on a copy.
/// </summary>
public struct IntrusiveList<T>
    where T : class, IIntrusiveNode<T>
{
    public T? First { get; private set; }

    public T? Last { get; private set; }

    public int Count { get; private set; }

    public void AddFirst(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        item.Previous = null;
        item.Next = First;
        if (First is { } first)
        {
            first.Previous = item;
        }
        else
        {
            Last = item;
        }

        First = item;
        Count++;
    }

    public void AddLast(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        item.Next = null;
        item.Previous = Last;
        if (Last is { } last)
        {
            last.Next = item;
        }
        else
        {
            First = item;
        }

        Last = item;
        Count++;
    }

    /// <summary>Takes <paramref name="item"/> out; false, and nothing changes, when it is not in this list (any more).</summary>
    public bool Remove(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Previous is null && !ReferenceEquals(First, item))
        {
            return false;
        }

        if (item.Previous is { } previous)
        {
            previous.Next = item.Next;
        }
        else
        {
            First = item.Next;
        }

        if (item.Next is { } next)
        {
            next.Previous = item.Previous;
        }
        else
        {
            Last = item.Previous;
        }

        item.Previous = item.Next = null;
        Count--;
        return true;
    }
}
