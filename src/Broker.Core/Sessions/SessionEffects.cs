namespace Broker.Core.Sessions;

/// <summary>
/// The effects a <see cref="SessionState"/> handler returns: a list of structs the state appends to and the actor
/// carries out in order, then clears. Carrying out an effect may hand a result back to the state
/// (<see cref="SessionState.Routed"/>, <see cref="SessionState.DeliverRetained"/>), whose effects are appended and
/// carried out in the same pass: a handler whose effect needs an answer makes it its last.
/// <para>
/// The array is the thread's while the list is empty: <see cref="Clear"/> leaves it as the thread's spare and the
/// next session to need one on that thread takes it, so that the hot path (a delivery, an acknowledgement, a client's
/// publish) allocates nothing for its effects, and an idle session holds no array. A session whose effects are run
/// while another's are (on the same thread) finds no spare and makes its own.
/// </para>
/// <para>
/// A mutable struct, a field of the state, so that a session pays for no object of its own: use it through
/// <see cref="SessionState.Effects"/>, which returns it by reference (<c>ref var effects = ref state.Effects</c>), never
/// through a copy.
/// </para>
/// </summary>
public struct SessionEffects
{
    // Larger ones (a reconnection that resent a long window) are left to the collector rather than kept per thread.
    private const int MaxSpareLength = 1024;
    private const int FirstLength = 8;

    [ThreadStatic]
    private static SessionEffect[]? t_spare;

    private SessionEffect[]? _items;
    private int _count;

    public readonly int Count => _count;

    public readonly ref readonly SessionEffect this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            return ref _items![index];
        }
    }

    /// <summary>Empties the list; its array becomes the thread's spare.</summary>
    public void Clear()
    {
        if (_items is not { } items)
        {
            return;
        }

        Array.Clear(items, 0, _count);
        _count = 0;
        _items = null;
        if (items.Length <= MaxSpareLength && (t_spare is not { } spare || spare.Length < items.Length))
        {
            t_spare = items;
        }
    }

    internal void Add(in SessionEffect effect)
    {
        if (_items is null || _count == _items.Length)
        {
            Grow();
        }

        _items![_count++] = effect;
    }

    private void Grow()
    {
        if (_items is not null)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }
        else if (t_spare is { } spare)
        {
            t_spare = null;
            _items = spare;
        }
        else
        {
            _items = new SessionEffect[FirstLength];
        }
    }
}
