namespace Broker.Core.Security.Protection;

/// <summary>One entry of the banned list.</summary>
/// <param name="Who">The client id, username or address; a regular expression for the pattern kinds; a CIDR for a network.</param>
/// <param name="By">Who banned it: an operator's name, or "flapping_detect".</param>
/// <param name="Until">When the ban ends; null: never.</param>
public sealed record Ban(BanKind Kind, string Who, string By, string Reason, DateTimeOffset At, DateTimeOffset? Until)
{
    public bool IsActive(DateTimeOffset now) => Until is not { } until || until > now;
}
