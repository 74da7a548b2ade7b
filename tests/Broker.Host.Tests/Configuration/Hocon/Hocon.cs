using Broker.Host.Configuration.Hocon;

namespace Broker.Host.Tests.Configuration.Hocon;

/// <summary>Parsing helpers: a pseudo file name and an environment that is empty unless given.</summary>
internal static class Hocon
{
    public const string File = "test.conf";

    public static HoconConfig Parse(string text, IReadOnlyDictionary<string, string>? environment = null) =>
        HoconConfig.ParseString(text, File, Lookup(environment));

    public static Func<string, string?> Lookup(IReadOnlyDictionary<string, string>? environment) =>
        name => environment is not null && environment.TryGetValue(name, out var value) ? value : null;

    /// <summary>Asserts that parsing fails at the given place, naming the key when one is given.</summary>
    public static HoconException Fails(string text, int line, int column, string? path, string reasonFragment, IReadOnlyDictionary<string, string>? environment = null)
    {
        var error = Assert.Throws<HoconException>(() => Parse(text, environment));
        Assert.Equal(File, error.Origin.File);
        Assert.Equal(line, error.Origin.Line);
        Assert.Equal(column, error.Origin.Column);
        Assert.Equal(path, error.Path);
        Assert.Contains(reasonFragment, error.Reason, StringComparison.Ordinal);
        var prefix = path is null ? $"{File}:{line}:{column}: " : $"{File}:{line}:{column}: {path}: ";
        Assert.StartsWith(prefix, error.Message, StringComparison.Ordinal);
        return error;
    }

    /// <summary>The resolved tree as compact JSON-like text, to compare whole documents in one assertion.</summary>
    public static string Render(HoconValue value) => value switch
    {
        HoconObject obj => "{" + string.Join(",", obj.Fields.Select(f => $"{HoconPath.Render([f.Key])}:{Render(f.Value)}")) + "}",
        HoconArray array => "[" + string.Join(",", array.Items.Select(Render)) + "]",
        HoconScalar { Kind: HoconScalarKind.String } s => HoconPath.Quote(s.Text),
        HoconScalar s => s.Text,
        _ => throw new InvalidOperationException(value.GetType().Name),
    };

    public static string Render(string text, IReadOnlyDictionary<string, string>? environment = null) =>
        Render(Parse(text, environment).Root);
}
