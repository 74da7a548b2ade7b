using Broker.Core.Security.Records;

namespace Broker.Core.Security.Authentication;

/// <summary>An authenticator's users kept in the <see cref="SecurityStore"/>, as the management API adds, changes and lists them.</summary>
public interface IUserTable : IRecordTable
{
    /// <summary>The stored value of a user whose password is given in clear: hashed here, never stored as given.</summary>
    string Encode(string userId, ReadOnlySpan<byte> password, bool superuser);

    /// <summary>Whether the stored user is a super user (the API lists it; the hash never leaves the node).</summary>
    bool IsSuperuser(string value);
}
