namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// A string, number, boolean or null. Numbers keep the text they were written with
/// (<c>1e3</c> stays <c>1e3</c>), as the spec requires for concatenation and paths; typed
/// accessors convert on demand.
/// </summary>
public sealed class HoconScalar : HoconValue
{
    internal HoconScalar(HoconOrigin origin, HoconScalarKind kind, string text)
        : base(origin)
    {
        Kind = kind;
        Text = text;
    }

    public HoconScalarKind Kind { get; }

    /// <summary>The value as text; <c>null</c> for <see cref="HoconScalarKind.Null"/>.</summary>
    public string Text { get; }

    internal static HoconScalar String(HoconOrigin origin, string text) => new(origin, HoconScalarKind.String, text);

    internal override string Describe() => Kind == HoconScalarKind.String ? HoconPath.Quote(Text) : Text;

    public override string ToString() => Text;
}
