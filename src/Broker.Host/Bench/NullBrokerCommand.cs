using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Broker.Host.Commands;

namespace Broker.Host.Bench;

/// <summary><c>broker bench null-broker [--host 127.0.0.1] [--port 1883]</c>: serves a <see cref="NullBroker"/> until SIGINT or SIGTERM.</summary>
public static class NullBrokerCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var host = IPAddress.Loopback;
        var port = 1883;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            var ok = args[i] switch
            {
                "--host" => IPAddress.TryParse(value, out host!),
                "--port" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535,
                _ => false,
            };
            if (!ok)
            {
                await error.WriteLineAsync($"broker bench null-broker: bad argument '{args[i]}'{(value is null ? "" : $" '{value}'")}: expected --host <address> --port <port>");
                return ExitCodes.InvalidConfiguration;
            }
            i++;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await using var broker = NullBroker.Start(new IPEndPoint(host, port));
        await output.WriteLineAsync($"null broker listening on {broker.EndPoint}");
        await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await output.WriteLineAsync($"null broker stopped: {broker.Forwarded} PUBLISH forwarded");
        return ExitCodes.Success;
    }
}
