using System.Globalization;
using Broker.Core.Routing;

namespace Broker.Benchmarks.Routing;

/// <summary>
/// The filter sets of the trie benchmarks, a plant hierarchy of 10 buildings x 10 lines x 100 machines
/// x 100 sensors = 1,000,000 sensors: <c>plant/b3/line4/machine42/sensor17</c>.
/// <list type="bullet">
/// <item><see cref="TrieShape.Exact"/>: one exact filter per sensor.</item>
/// <item><see cref="TrieShape.Mixed"/>: the same, but every tenth sensor's filter has a wildcard instead, in
/// turn <c>plant/b3/+/machine42/sensor17</c>, <c>plant/+/line4/...</c>, <c>.../line4/+/sensor17</c> and
/// <c>.../sensor17/#</c>. Some of them coincide, so the set holds a little fewer than a million.</item>
/// </list>
/// The hit topic has an exact filter in both sets; the miss topic names sensor 100, which no filter
/// matches, exact or wildcard, after walking all five levels.
/// </summary>
internal static class TrieFilters
{
    public const int Count = 1_000_000;
    public const string Node = "n1";
    public const string HitTopic = "plant/b3/line4/machine42/sensor17";
    public const string MissTopic = "plant/b3/line4/machine42/sensor100";

    public static string Filter(TrieShape shape, int n)
    {
        var (b, l, m, s) = (n / 100_000, n / 10_000 % 10, n / 100 % 100, n % 100);
        var building = "b" + b.ToString(CultureInfo.InvariantCulture);
        var line = "line" + l.ToString(CultureInfo.InvariantCulture);
        var machine = "machine" + m.ToString(CultureInfo.InvariantCulture);
        var sensor = "sensor" + s.ToString(CultureInfo.InvariantCulture);
        if (shape == TrieShape.Exact || n % 10 != 9)
        {
            return $"plant/{building}/{line}/{machine}/{sensor}";
        }

        return (n / 10 % 4) switch
        {
            0 => $"plant/{building}/+/{machine}/{sensor}",
            1 => $"plant/+/{line}/{machine}/{sensor}",
            2 => $"plant/{building}/{line}/+/{sensor}",
            _ => $"plant/{building}/{line}/{machine}/{sensor}/#",
        };
    }

    public static NodeTable Build(TrieShape shape)
    {
        var table = new NodeTable();
        for (var n = 0; n < Count; n++)
        {
            table.Add(Filter(shape, n), Node);
        }

        return table;
    }
}

public enum TrieShape
{
    Exact,
    Mixed,
}
