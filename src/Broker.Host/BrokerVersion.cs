using System.Reflection;

namespace Broker.Host;

/// <summary>The broker's version as EMQX shows its own (5.8.0, no build metadata): $SYS, the login answer, /nodes, ctl status.</summary>
internal static class BrokerVersion
{
    public static string Text { get; } =
        typeof(BrokerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
