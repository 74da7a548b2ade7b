namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// A node of a HOCON tree. A resolved tree (what <see cref="HoconConfig"/> exposes) holds only
/// <see cref="HoconObject"/>, <see cref="HoconArray"/> and <see cref="HoconScalar"/>; the parser
/// also builds internal unresolved nodes (substitutions, concatenations, merges) that the
/// resolver replaces.
/// </summary>
public abstract class HoconValue
{
    private protected HoconValue(HoconOrigin origin) => Origin = origin;

    public HoconOrigin Origin { get; }

    /// <summary>For error messages: <c>"lots"</c>, <c>42</c>, <c>an object</c>.</summary>
    internal abstract string Describe();
}
