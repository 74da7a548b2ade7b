using Broker.Host.Options;

namespace Broker.Host.Tests.Configuration;

/// <summary>The validator's verdict on the defaults with one change.</summary>
internal static class OptionsErrors
{
    /// <summary>The one error the change makes, as the broker prints it.</summary>
    public static string Single(Action<BrokerOptions> change)
    {
        var options = new BrokerOptions();
        change(options);
        return Assert.Single(BrokerOptionsValidator.Validate(options)).ToString();
    }
}
