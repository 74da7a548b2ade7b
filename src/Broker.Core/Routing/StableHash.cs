namespace Broker.Core.Routing;

/// <summary>
/// FNV-1a over a string's UTF-16 code units: unlike <see cref="string.GetHashCode()"/> the same on every node and every
/// run, for what nodes or restarts must agree on (a publisher's shared-group member, a filter's route key).
/// </summary>
public static class StableHash
{
    public static uint Of(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
