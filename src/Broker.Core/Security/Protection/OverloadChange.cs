namespace Broker.Core.Security.Protection;

/// <summary>A change of <see cref="OverloadGuard.Current"/>; <see cref="Now"/> null: new connections are taken again.</summary>
public sealed record OverloadChange(Overload? Before, Overload? Now);
