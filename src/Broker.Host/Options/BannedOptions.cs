using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>The <c>banned</c> section: clients refused at CONNECT.</summary>
public sealed class BannedOptions
{
    /// <summary>A CSV of bans loaded at start (EMQX's format: as,who,by,reason,at,until); empty for none.</summary>
    [ConfigurationKeyName("bootstrap_file")]
    public string BootstrapFile { get; set; } = "";
}
