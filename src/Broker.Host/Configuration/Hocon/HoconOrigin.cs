namespace Broker.Host.Configuration.Hocon;

/// <summary>Where a value or an error comes from. Line and column are 1-based; 0 means unknown.</summary>
public readonly record struct HoconOrigin(string File, int Line, int Column)
{
    public override string ToString() =>
        Line == 0 ? File
        : Column == 0 ? $"{File}:{Line}"
        : $"{File}:{Line}:{Column}";
}
