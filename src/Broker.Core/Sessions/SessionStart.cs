namespace Broker.Core.Sessions;

/// <summary>What a session actor is made from, at its start and on a restart: its props' state.</summary>
/// <param name="PersistenceId">This incarnation's id in the journal, for a session to recover; null for a new one.</param>
/// <param name="Recover">Rebuild from the journal: a session stored before a restart or a storage failure.</param>
/// <param name="Transfer">The state another node handed over, for a session moved here.</param>
/// <param name="Adopt">Recovered from the rows of a node that is gone: stored again under an id of this node's.</param>
internal sealed record SessionStart(SessionEnvironment Environment, string ClientId, string? PersistenceId, bool Recover, SessionTransferIn? Transfer, bool Adopt);
