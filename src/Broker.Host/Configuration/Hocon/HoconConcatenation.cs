namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// Values written next to each other on one line when at least one of them is a substitution,
/// object or array (literal-only concatenations become strings while parsing). The whitespace
/// between pieces is kept: it matters when the result is a string and is ignored for objects
/// and arrays.
/// </summary>
internal sealed class HoconConcatenation : HoconValue
{
    public HoconConcatenation(HoconOrigin origin, IReadOnlyList<Piece> pieces, string fieldPath)
        : base(origin)
    {
        Pieces = pieces;
        FieldPath = fieldPath;
    }

    public IReadOnlyList<Piece> Pieces { get; }

    public string FieldPath { get; }

    internal override string Describe() => "a value concatenation";

    /// <summary>Either a value or the whitespace between two values.</summary>
    public readonly record struct Piece(HoconValue? Value, string? Whitespace)
    {
        public static Piece Of(HoconValue value) => new(value, null);

        public static Piece Space(string whitespace) => new(null, whitespace);
    }
}
