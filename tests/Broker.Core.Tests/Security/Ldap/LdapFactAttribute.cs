using Broker.Tests;

namespace Broker.Core.Tests.Security.Ldap;

/// <summary>A test against a real slapd: skipped with the reason when it is not installed, except under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LdapFactAttribute : FactAttribute
{
    public LdapFactAttribute()
    {
        Skip = SlapdServer.SkipReason;
    }
}
