namespace Broker.Core.Security.Protection;

/// <summary>EMQX's <c>flapping_detect</c>: more than <see cref="MaxCount"/> CONNECTs of one client id within <see cref="Window"/> ban it for <see cref="BanTime"/>.</summary>
public sealed record FlappingSettings(int MaxCount, TimeSpan Window, TimeSpan BanTime);
