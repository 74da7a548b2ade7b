using Broker.Core.Messaging;

namespace Broker.Core.Retained;

/// <summary>
/// One topic's retained message as of <see cref="Version"/>: set to <see cref="Message"/>, or deleted when that is
/// null (a tombstone, kept so that an older set arriving later cannot bring the message back).
/// </summary>
public sealed record RetainedChange(string Topic, ApplicationMessage? Message, RetainedVersion Version)
{
    public bool IsDeletion => Message is null;
}
