using Broker.Transport.Messaging;

namespace Broker.Transport.Sessions;

/// <summary>A message of a shared subscription that its member left unacknowledged, to give to another member.</summary>
public sealed record SharedRedispatch(string ShareGroup, string Filter, ApplicationMessage Message);
