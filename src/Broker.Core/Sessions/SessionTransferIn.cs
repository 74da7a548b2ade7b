using Broker.Core.Sessions.Cluster;
using Broker.Core.Sessions.Journal;

namespace Broker.Core.Sessions;

/// <summary>A session made from the state another node handed over: where it came from, and the state.</summary>
internal sealed record SessionTransferIn(ISessionPeers Peers, string From, long TransferId, SessionSnapshot Snapshot);
