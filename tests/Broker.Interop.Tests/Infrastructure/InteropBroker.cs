namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// The broker one test class shares (xunit class fixture): started for the class unless INTEROP_BROKER names
/// an external one. Tests keep out of each other's way with their own topics and client ids.
/// </summary>
public sealed class InteropBroker : IAsyncLifetime
{
    private BrokerEndpoint? _endpoint;

    public BrokerEndpoint Endpoint => _endpoint ?? throw new InvalidOperationException("not started");

    /// <summary>The process this fixture started, or null for an external broker.</summary>
    public BrokerProcess? Process { get; private set; }

    public async Task InitializeAsync()
    {
        if (BrokerTarget.Kind == BrokerTargetKind.External)
        {
            _endpoint = BrokerTarget.External();
            return;
        }
        Process = await BrokerProcess.StartTargetAsync();
        _endpoint = Process.Endpoint;
    }

    public async Task DisposeAsync()
    {
        if (Process is not null)
            await Process.DisposeAsync();
    }
}
