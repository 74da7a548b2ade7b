namespace Broker.Core.Security;

/// <summary>
/// What a failed source's exception says in the log. The exceptions our sources throw word their messages so that no
/// client's value appears in them (a database's error can quote the value bound to it, a password among them); for
/// those the outer message is taken, for the rest the innermost one (a socket's, say), which holds none.
/// </summary>
internal static class FailureMessage
{
    public static string Of(Exception e) => e is ISafeMessage ? e.Message : e.GetBaseException().Message;
}
