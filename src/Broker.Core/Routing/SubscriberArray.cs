namespace Broker.Core.Routing;

/// <summary>
/// Copy-on-write changes to an immutable array of subscriptions keyed by client id: a publish reads
/// the array without a lock and without allocating, and a change copies it (O(subscribers), fine for
/// the few subscribers most filters have; a filter with a hundred thousand would want another shape).
/// </summary>
internal static class SubscriberArray
{
    /// <summary>Adds, or replaces the client's entry in place; returns true when it is new.</summary>
    public static bool Upsert(ref LocalSubscription[] array, LocalSubscription subscription) => Upsert(ref array, subscription, out _);

    /// <summary>As <see cref="Upsert(ref LocalSubscription[], LocalSubscription)"/>, with the entry replaced (null when new).</summary>
    public static bool Upsert(ref LocalSubscription[] array, LocalSubscription subscription, out LocalSubscription? replaced)
    {
        var current = array;
        var index = IndexOf(current, subscription.ClientId);
        LocalSubscription[] next;
        replaced = null;
        if (index >= 0)
        {
            replaced = current[index];
            next = (LocalSubscription[])current.Clone();
            next[index] = subscription;
        }
        else
        {
            next = [.. current, subscription];
        }

        Volatile.Write(ref array, next);
        return index < 0;
    }

    public static bool Remove(ref LocalSubscription[] array, string clientId)
    {
        var current = array;
        var index = IndexOf(current, clientId);
        if (index < 0)
        {
            return false;
        }

        Volatile.Write(ref array, current.Length == 1 ? [] : [.. current[..index], .. current[(index + 1)..]]);
        return true;
    }

    public static int IndexOf(LocalSubscription[] array, string clientId)
    {
        for (var i = 0; i < array.Length; i++)
        {
            if (array[i].ClientId == clientId)
            {
                return i;
            }
        }

        return -1;
    }
}
