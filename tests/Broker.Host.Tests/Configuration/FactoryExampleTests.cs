using Broker.Core.Security.Authorization;
using Broker.Host.Configuration;
using Broker.Host.Options;

namespace Broker.Host.Tests.Configuration;

/// <summary>hocon/examples/factory.conf, the plant's case: it must stay a valid configuration with a valid ACL.</summary>
public sealed class FactoryExampleTests
{
    private static string Example(string name) => Path.Combine(Path.GetDirectoryName(RepositoryFiles.ShippedConfig)!, "examples", name);

    [Fact]
    public void The_factory_example_binds_and_lacks_only_the_sites_certificates()
    {
        var result = BrokerConfiguration.Load([], Example("factory.conf"), new Dictionary<string, string>());

        Assert.All(result.Errors, e => Assert.Contains("file not found: etc/certs/", e, StringComparison.Ordinal));
        Assert.Equal(3, result.Errors.Count);
        var options = result.Options;
        Assert.Equal((false, false, true, PeerVerification.VerifyPeer, true), (options.Listeners.Tcp.Enabled, options.Listeners.Ws.Enabled, options.Listeners.Ssl.Enabled, options.Listeners.Ssl.Verify, options.Listeners.Ssl.FailIfNoPeerCert));
        Assert.Equal(PeerCertAs.Cn, options.Mqtt.PeerCertAsUsername);
        Assert.Equal(NoMatchAction.Deny, options.Authorization.NoMatch);
        Assert.Empty(options.Authentication);
    }

    [Fact]
    public void Its_acl_lets_each_device_do_its_job_only()
    {
        var acl = AclFile.Load(Example("factory-acl.conf"));
        var press = new Core.Security.ClientInfo { ClientId = "c1", Username = "line1-press-07" };
        var dashboard = new Core.Security.ClientInfo { ClientId = "c2", Username = "qa-dashboard-2" };
        var mes = new Core.Security.ClientInfo { ClientId = "c3", Username = "mes-1" };
        const Mqtt.QualityOfService qos = Mqtt.QualityOfService.ExactlyOnce;

        Assert.Equal(AclDecision.Allow, acl.Check(press, AclAction.Publish, "plant/building2/line1-press-07/spindle/temp", qos, false));
        Assert.Equal(AclDecision.Deny, acl.Check(press, AclAction.Publish, "plant/building2/line1-press-08/spindle/temp", qos, false));
        Assert.Equal(AclDecision.Allow, acl.Check(press, AclAction.Subscribe, "plant/building2/commands/line1-press-07", qos, false));
        Assert.Equal(AclDecision.Deny, acl.Check(press, AclAction.Subscribe, "plant/building2/commands/+", qos, false));
        Assert.Equal(AclDecision.Allow, acl.Check(dashboard, AclAction.Subscribe, "plant/building2/+/spindle/#", qos, false));
        Assert.Equal(AclDecision.Deny, acl.Check(dashboard, AclAction.Publish, "plant/building2/commands/line1-press-07", qos, false));
        Assert.Equal(AclDecision.Allow, acl.Check(mes, AclAction.Publish, "plant/building2/commands/line1-press-07", qos, false));
        Assert.Equal(AclDecision.Deny, acl.Check(mes, AclAction.Subscribe, "$SYS/#", qos, false));
    }
}
