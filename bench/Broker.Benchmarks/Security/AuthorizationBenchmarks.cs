using System.Text;
using BenchmarkDotNet.Attributes;
using Broker.Core.Security;
using Broker.Core.Security.Authorization;
using Broker.Mqtt;

namespace Broker.Benchmarks.Security;

/// <summary>
/// What the read path pays to authorize a PUBLISH with an ACL file of 1,000 rules (one a publisher, as bench/security.py
/// configures it): a decision the client's cache holds, and one it does not (cache off), which walks the rules the
/// client sees. The http source must leave both as they were: synchronous, allocation-free.
/// </summary>
[MemoryDiagnoser]
public class AuthorizationBenchmarks
{
    private ClientAuthorization _cached = null!;
    private ClientAuthorization _uncached = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rules = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            rules.Append("{allow, {username, \"pub-").Append(i).Append("\"}, publish, [\"bench/pub-").Append(i).Append("/#\"]}.\n");
        }

        rules.Append("{deny, all}.\n");
        var acl = AclFile.Parse(rules.ToString(), "acl.conf");
        var client = new ClientInfo { ClientId = "pub-500", Username = "pub-500" };
        _cached = new Authorizer([acl], AclDecision.Deny, AuthorizationCacheOptions.Default, TimeProvider.System).ForClient(client);
        _uncached = new Authorizer([acl], AclDecision.Deny, AuthorizationCacheOptions.Disabled, TimeProvider.System).ForClient(client);
    }

    [Benchmark]
    public bool CacheHit() => _cached.Authorize(AclAction.Publish, "bench/pub-500/temp", QualityOfService.AtLeastOnce, false) == AclDecision.Allow;

    [Benchmark]
    public bool CacheOff() => _uncached.Authorize(AclAction.Publish, "bench/pub-500/temp", QualityOfService.AtLeastOnce, false) == AclDecision.Allow;
}
