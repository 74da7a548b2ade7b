namespace Broker.Core.Security.Dashboard;

/// <summary>
/// EMQX 5's roles of dashboard users and API keys: an administrator may do anything, a viewer may only read (GET),
/// log itself out and change its own password.
/// </summary>
public static class AdminRole
{
    public const string Administrator = "administrator";
    public const string Viewer = "viewer";

    public static bool IsKnown(string? role) => role is Administrator or Viewer;
}
