namespace Broker.Core.Security.Protection;

/// <summary>When the node refuses new connections to protect those it has.</summary>
/// <param name="MemoryHighWatermark">The share (0..1) of the memory the process may use above which it is overloaded.</param>
/// <param name="RunQueueHighWatermark">Work items waiting for a pool thread above which it is overloaded.</param>
public sealed record OverloadSettings(double MemoryHighWatermark, long RunQueueHighWatermark);
