using System.Text;
using Broker.Host.Configuration.Hocon;

namespace Broker.Host.Configuration;

/// <summary>
/// <c>{node.data_dir}/cluster.conf</c>: the keys changed at run time through <c>PUT /api/v5/configs/{root}</c>, kept so
/// that a restart runs with them (EMQX's <c>data/configs/cluster.hocon</c>). HOCON, one <c>key = value</c> line per
/// key, written whole each time (a temporary file renamed over it, so a crash leaves the old file or the new one).
/// <para>
/// At start it layers over the HOCON file and under the environment and the arguments (see
/// <see cref="BrokerConfiguration"/>): EMQX puts cluster.hocon over its <c>base.hocon</c> and under emqx.conf and the
/// environment; hocon/broker.conf lists every key with its default, so it is the base here, and what an operator fixes
/// for a node (variables, arguments) still wins. Only <see cref="RuntimeConfiguration.LiveKeys"/> may be in it: any
/// other key is an error naming the file's line, as is a bad value (the binder's message, with its origin).
/// </para>
/// </summary>
public static class ClusterConfigFile
{
    public const string FileName = "cluster.conf";

    public static string PathIn(string dataDir) => Path.Combine(Path.GetFullPath(dataDir), FileName);

    /// <summary>The file's keys (dotted) with where each is, or the reason it cannot be read; a key outside the live ones is an error.</summary>
    public static (HoconConfig? Document, IReadOnlyList<string> Errors) Read(string path, Func<string, string?>? environment)
    {
        HoconConfig document;
        try
        {
            document = HoconConfig.ParseFile(path, environment, BrokerConfiguration.DisplayName(path));
        }
        catch (HoconException e)
        {
            return (null, [e.Message]);
        }

        var errors = Entries(document)
            .Where(entry => !RuntimeConfiguration.LiveKeys.Contains(entry.Key))
            .Select(entry => $"{entry.Origin}: {entry.Key}: only keys that change at run time may be in {FileName} ({string.Join(", ", RuntimeConfiguration.LiveKeys)}); the others belong in the configuration file")
            .ToList();
        return (errors.Count == 0 ? document : null, errors);
    }

    /// <summary>Every value of the document by dotted key, as text (a section or list is one entry, for the error that names it).</summary>
    public static IEnumerable<(string Key, string? Text, HoconOrigin Origin)> Entries(HoconConfig document) =>
        document.Root.Fields.SelectMany(field => Entries(field.Key, field.Value));

    /// <summary>Writes the entries (dotted key, HOCON value text) in key order, replacing the file at once.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, string>> entries)
    {
        var text = new StringBuilder()
            .Append("# Written by the broker: the keys changed at run time (PUT /api/v5/configs/{root}) on this node or another\n")
            .Append("# of its cluster. Over hocon/broker.conf, under BROKER_* variables and --key=value arguments.\n");
        foreach (var (key, value) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            text.Append(key).Append(" = ").Append(value).Append('\n');

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.UTF8.GetBytes(text.ToString()));
            // On disk before the rename: a crash then leaves the old file or the whole new one, never a torn one.
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static IEnumerable<(string Key, string? Text, HoconOrigin Origin)> Entries(string key, HoconValue value) => value switch
    {
        HoconObject { Count: > 0 } section => section.Fields.SelectMany(field => Entries($"{key}.{field.Key}", field.Value)),
        HoconScalar { Kind: not HoconScalarKind.Null } scalar => [(key, scalar.Text, value.Origin)],
        _ => [(key, null, value.Origin)],
    };
}
