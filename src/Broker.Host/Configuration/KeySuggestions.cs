namespace Broker.Host.Configuration;

/// <summary>"Did you mean" for misspelt keys: the closest known key within a few edits.</summary>
internal static class KeySuggestions
{
    public static string? Closest(string key, IEnumerable<string> known)
    {
        var limit = Math.Max(2, key.Length / 4);
        return known
            .Select(k => (Key: k, Distance: Distance(key.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(k => k.Distance <= limit)
            .OrderBy(k => k.Distance)
            .ThenBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => k.Key)
            .FirstOrDefault();
    }

    /// <summary>Optimal string alignment distance: a swap of two neighbours (pakcet) counts as one edit.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
