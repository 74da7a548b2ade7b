namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// Base of the tests against the class's shared broker: gives them the clients, and writes to the test's
/// output what the broker logged while the test ran (the runner shows it when the test fails).
/// </summary>
public abstract class InteropTest : IClassFixture<InteropBroker>, IDisposable
{
    /// <summary>Longest wait for any one expected thing; tests finish in well under it when all is well.</summary>
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly InteropBroker _broker;
    private readonly ITestOutputHelper _output;
    private readonly int _brokerMark;

    protected InteropTest(InteropBroker broker, ITestOutputHelper output)
    {
        _broker = broker;
        _output = output;
        _brokerMark = broker.Process?.Output.TranscriptCount ?? 0;
        Clients = new Clients(output, broker.Endpoint);
    }

    protected Clients Clients { get; }

    protected BrokerEndpoint Endpoint => _broker.Endpoint;

    /// <summary>What the class's broker logged since this test began; null for an external broker.</summary>
    protected IReadOnlyList<string>? BrokerLogSinceStart => _broker.Process?.Output.TranscriptSince(_brokerMark);

    public void Dispose()
    {
        Clients.Dispose();
        if (_broker.Process is { } process)
        {
            _output.WriteLine($"--- broker log during this test (pid {process.Pid}) ---");
            foreach (var line in process.Output.TranscriptSince(_brokerMark))
                _output.WriteLine(line);
        }
        GC.SuppressFinalize(this);
    }
}
