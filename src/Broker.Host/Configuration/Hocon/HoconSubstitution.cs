namespace Broker.Host.Configuration.Hocon;

/// <summary><c>${a.b}</c> or <c>${?a.b}</c>, waiting for the whole document to be parsed.</summary>
internal sealed class HoconSubstitution : HoconValue
{
    public HoconSubstitution(HoconOrigin origin, string[] path, string[] writtenPath, bool optional, string fieldPath)
        : base(origin)
    {
        Path = path;
        Optional = optional;
        FieldPath = fieldPath;
        EnvironmentName = string.Join('.', writtenPath);
        Expression = (optional ? "${?" : "${") + HoconPath.Render(writtenPath) + "}";
    }

    /// <summary>Absolute: a file included inside <c>a { }</c> has its paths fixed up to start with <c>a</c>.</summary>
    public string[] Path { get; }

    public bool Optional { get; }

    /// <summary>The field whose value holds this substitution, for error messages.</summary>
    public string FieldPath { get; }

    /// <summary>The path as written, not fixed up: that is the name users give their variables.</summary>
    public string EnvironmentName { get; }

    public string Expression { get; }

    internal override string Describe() => Expression;
}
