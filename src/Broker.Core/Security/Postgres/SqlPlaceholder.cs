namespace Broker.Core.Security.Postgres;

/// <summary>What a <c>${...}</c> of a query stands for; each becomes a bind parameter, never text of the statement.</summary>
public enum SqlPlaceholder
{
    Username,
    ClientId,
    Password,
    PeerHost,
    CertCommonName,
    CertSubject,
}
