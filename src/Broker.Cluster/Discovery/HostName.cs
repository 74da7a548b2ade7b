namespace Broker.Cluster.Discovery;

/// <summary>The host name rule for <c>cluster.dns.name</c> and name servers; public so the host validates with it too.</summary>
public static class HostName
{
    /// <summary>DNS labels of letters, digits, '-' and '_' (1 to 63 characters), dots between, 253 characters at most; a trailing dot allowed.</summary>
    public static bool IsValid(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host.EndsWith('.') ? host[..^1] : host;
        return name.Length is > 0 and <= 253
            && name.Split('.').All(label => label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }
}
