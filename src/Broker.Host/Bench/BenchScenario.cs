namespace Broker.Host.Bench;

public enum BenchScenario
{
    /// <summary>Open connections at a rate, then hold them idle.</summary>
    Conn,

    /// <summary>Publishers only.</summary>
    Pub,

    /// <summary>Subscribers only (the publishers run elsewhere).</summary>
    Sub,

    /// <summary>Publishers and subscribers in one process, on one clock.</summary>
    PubSub,
}
