namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// A self-referential substitution (<c>path = ${path} ":more"</c>) or a <c>+=</c>, bound at parse
/// time to the value the field had just before, as the spec's "look backward" rule asks.
/// Resolving <c>${path}</c> against the finished tree instead would find the field itself: a cycle.
/// </summary>
internal sealed class HoconPathReference : HoconValue
{
    public HoconPathReference(
        HoconOrigin origin, HoconValue? earlier, string[] remainder, bool optional,
        string expression, string? environmentName, string fieldPath)
        : base(origin)
    {
        Earlier = earlier;
        Remainder = remainder;
        Optional = optional;
        Expression = expression;
        EnvironmentName = environmentName;
        FieldPath = fieldPath;
    }

    /// <summary>The earlier value of the field, or null when the field had none.</summary>
    public HoconValue? Earlier { get; }

    /// <summary>The rest of the path below the field, for <c>foo = ${foo.a}</c>.</summary>
    public string[] Remainder { get; }

    public bool Optional { get; }

    public string Expression { get; }

    /// <summary>Consulted only when there is no earlier value: <c>PATH = ${PATH}":/opt/bin"</c>.</summary>
    public string? EnvironmentName { get; }

    public string FieldPath { get; }

    internal override string Describe() => Expression;
}
