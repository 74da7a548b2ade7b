namespace Broker.Host.Options;

/// <summary>How a bootstrap file holds passwords: in clear (hashed on load) or as EMQX exports them (hash and salt).</summary>
public enum BootstrapType
{
    Plain,
    Hash,
}
