using System.Text;
using Broker.Interop.Tests.Infrastructure;
using Broker.Tests;
using MQTTnet;
using MQTTnet.Protocol;

namespace Broker.Interop.Tests;

/// <summary>
/// MQTT 5 enhanced authentication with SCRAM-SHA-256 and SCRAM-SHA-512, driven by MQTTnet 5 (a .NET client nobody here
/// wrote) through its enhanced authentication handler; the SCRAM computations are the tests' own client
/// (tests/Shared/ScramClient), as MQTTnet has none. Users come from the scram entry's bootstrap file and `broker ctl users`.
/// </summary>
public sealed class EnhancedAuthenticationTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private const string Users = """
        user_id,password,is_superuser
        line1-press,pw-press,false
        mes,pw-mes,true
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("broker-scram-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>One scram authenticator, as in EMQX: its id (scram:built_in_database) names its users and API path.</summary>
    private async Task<BrokerProcess> StartAsync(bool sha512)
    {
        var users = Path.Combine(_dir.FullName, "users.csv");
        var conf = Path.Combine(_dir.FullName, "broker.conf");
        await File.WriteAllTextAsync(users, Users);
        await File.WriteAllTextAsync(conf, $$"""
            authentication = [{ mechanism = scram, backend = built_in_database, algorithm = {{(sha512 ? "sha512, iteration_count = 8192" : "sha256")}}, bootstrap_file = "{{users}}" }]
            """);
        return await BrokerProcess.StartOursAsync("-c", conf);
    }

    /// <summary>A connected (or refused) MQTTnet client whose handler answers the broker's AUTH packets with <see cref="Scram"/>.</summary>
    private sealed class ScramSession(ScramClient first) : IMqttEnhancedAuthenticationHandler, IDisposable
    {
        private TaskCompletionSource<byte[]> _reauthenticated = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IMqttClient Client { get; } = new MqttClientFactory().CreateMqttClient();

        public ScramClient Scram { get; private set; } = first;

        public TaskCompletionSource<MqttClientDisconnectedEventArgs> Disconnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>AUTH 0x18 carries the server-first message, to be answered; AUTH 0x00 ends a re-authentication.</summary>
        public async Task HandleEnhancedAuthenticationAsync(MqttEnhancedAuthenticationEventArgs eventArgs)
        {
            if (eventArgs.ReasonCode == MqttAuthenticateReasonCode.ContinueAuthentication)
            {
                await eventArgs.SendAsync(new SendMqttEnhancedAuthenticationDataOptions { Data = Scram.Final(eventArgs.AuthenticationData) }, eventArgs.CancellationToken);
            }
            else
            {
                _reauthenticated.TrySetResult(eventArgs.AuthenticationData);
            }
        }

        public async Task<MqttClientConnectResult> ConnectAsync(BrokerEndpoint endpoint)
        {
            Client.DisconnectedAsync += e =>
            {
                Disconnected.TrySetResult(e);
                return Task.CompletedTask;
            };
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(endpoint.Host, endpoint.Port)
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                .WithClientId($"scram-{Guid.NewGuid():N}")
                .WithTimeout(Deadline)
                .WithEnhancedAuthentication(Scram.Method, Scram.First())
                .WithEnhancedAuthenticationHandler(this)
                .Build();
            return await Client.ConnectAsync(options).WaitAsync(Deadline);
        }

        /// <summary>Sends AUTH 0x19 with a new exchange's first message; the task it gives ends with the server's last message (AUTH 0x00).</summary>
        public async Task<Task<byte[]>> StartReauthenticationAsync(ScramClient again)
        {
            Scram = again;
            _reauthenticated = new(TaskCreationOptions.RunContinuationsAsynchronously);
            await Client.SendEnhancedAuthenticationExchangeDataAsync(new MqttEnhancedAuthenticationExchangeData
            {
                ReasonCode = MqttAuthenticateReasonCode.ReAuthenticate,
                AuthenticationData = again.First(),
            });
            return _reauthenticated.Task;
        }

        public async Task<MqttClientPublishResult> PublishAsync(string topic) =>
            await Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("21.5"u8.ToArray())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Deadline);

        public void Dispose() => Client.Dispose();
    }

    [InteropTheory(OursOnly = true, OwnBroker = true)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_right_password_connects_with_the_servers_signature_in_CONNACK_and_a_wrong_one_gets_0x87(bool sha512)
    {
        await using var broker = await StartAsync(sha512);

        using var press = new ScramSession(new ScramClient(sha512, "line1-press", "pw-press"));
        var accepted = await press.ConnectAsync(broker.Endpoint);
        output.WriteLine($"{press.Scram.Method}: {accepted.ResultCode}, {accepted.AuthenticationMethod}, {Encoding.UTF8.GetString(accepted.AuthenticationData ?? [])}");
        Assert.Equal(MqttClientConnectResultCode.Success, accepted.ResultCode);
        Assert.Equal(press.Scram.Method, accepted.AuthenticationMethod);
        Assert.True(press.Scram.Verifies(accepted.AuthenticationData), "the server's signature proves it holds the user's ServerKey");
        Assert.True((await press.PublishAsync("plant/line1/line1-press/temp")).IsSuccess);

        using var guess = new ScramSession(new ScramClient(sha512, "line1-press", "pw-guess"));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, (await guess.ConnectAsync(broker.Endpoint)).ResultCode);
        using var stranger = new ScramSession(new ScramClient(sha512, "visitor", "pw-press"));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, (await stranger.ConnectAsync(broker.Endpoint)).ResultCode);

        // A user added while the broker runs gets its keys derived by the node, with the configured algorithm and count.
        var ctl = await broker.CtlAsync(output, "users", "add", "visitor", "pw-visit", "--authenticator", "scram:built_in_database");
        Assert.True(ctl.ExitCode == 0, ctl.Describe());
        using var visitor = new ScramSession(new ScramClient(sha512, "visitor", "pw-visit"));
        Assert.Equal(MqttClientConnectResultCode.Success, (await visitor.ConnectAsync(broker.Endpoint)).ResultCode);
    }

    [InteropTheory(OursOnly = true, OwnBroker = true)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connected_client_re_authenticates_and_keeps_publishing_and_a_failed_re_authentication_disconnects_it_with_0x87(bool sha512)
    {
        await using var broker = await StartAsync(sha512);
        using var press = new ScramSession(new ScramClient(sha512, "line1-press", "pw-press"));
        Assert.Equal(MqttClientConnectResultCode.Success, (await press.ConnectAsync(broker.Endpoint)).ResultCode);

        for (var i = 0; i < 2; i++)
        {
            var again = new ScramClient(sha512, "line1-press", "pw-press");
            var done = await press.StartReauthenticationAsync(again);
            Assert.True(again.Verifies(await done.WaitAsync(Deadline)), $"re-authentication {i + 1}: AUTH 0x00 with the server's signature");
            Assert.True((await press.PublishAsync("plant/line1/line1-press/temp")).IsSuccess);
        }

        await press.StartReauthenticationAsync(new ScramClient(sha512, "line1-press", "pw-guess"));
        var disconnected = await press.Disconnected.Task.WaitAsync(Deadline);
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, disconnected.Reason);
    }
}
