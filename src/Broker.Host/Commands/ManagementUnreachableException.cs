namespace Broker.Host.Commands;

/// <summary>The management endpoint could not be reached (refused, timed out) or spoke no management JSON.</summary>
internal sealed class ManagementUnreachableException(string message, Exception inner) : Exception(message, inner);
