using System.Net;
using Broker.Host.Configuration;
using Broker.Host.Management;
using Broker.Host.Options;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker ctl cluster status | join &lt;host:port&gt; | leave | force-leave &lt;node&gt;</c>: asks the local node's
/// management endpoint over HTTP. The endpoint is <c>--management host:port</c>, or else where the configuration
/// (file, environment, <c>--key=value</c> arguments, as <c>broker run</c> reads them) puts it.
/// </summary>
internal static class CtlCommand
{
    public const string Usage = """
        Usage: broker ctl cluster status
               broker ctl cluster join <host:port>     join the cluster of the node with that cluster endpoint
                                                       (this node's own cluster.port: start a cluster of one)
               broker ctl cluster leave                this node leaves its cluster, then stops (exit 0)
               broker ctl cluster force-leave <node>   mark another node down (address or host:port)
          --management <host:port>   the node's management endpoint (default: management.http.bind and port
                                     of the configuration, 0.0.0.0 as 127.0.0.1)
          -c, --config <file>, --<key>=<value>   the configuration to read the endpoint from, as for run
        Exit codes: 0 done, 2 usage, 4 the endpoint cannot be reached, 7 the node refused (its answer printed).
        """;

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellation)
    {
        if (args.Count < 2 || args[0] != "cluster" || args[1] is not ("status" or "join" or "leave" or "force-leave"))
            return await UsageErrorAsync(error, args.Count < 2 ? "missing command" : $"unknown command '{string.Join(' ', args.Take(2))}'");
        var verb = args[1];
        var rest = args.Skip(2).ToList();
        string? target = null;
        if (verb is "join" or "force-leave")
        {
            if (rest.Count == 0 || rest[0].StartsWith('-'))
                return await UsageErrorAsync(error, $"'{verb}' needs {(verb == "join" ? "<host:port>" : "<node>")}");
            target = rest[0];
            rest.RemoveAt(0);
        }

        if (!TryTakeManagement(rest, out var management, out var usage))
            return await UsageErrorAsync(error, usage);
        var endpoint = management is not null ? EndpointUri(management) : EndpointFromConfiguration(rest, error, environment);
        if (endpoint is null)
            return ExitCodes.InvalidConfiguration;

        using var client = new ManagementClient(endpoint);
        try
        {
            return verb switch
            {
                "status" => await StatusAsync(client, output, error, cancellation),
                "join" => Report(await client.JoinAsync(target!, cancellation), output, error),
                "leave" => await LeaveAsync(client, output, error, cancellation),
                _ => Report(await client.DownAsync(target!, cancellation), output, error),
            };
        }
        catch (ManagementUnreachableException e)
        {
            await error.WriteLineAsync($"broker ctl: {e.Message}");
            return ExitCodes.BrokerUnreachable;
        }
    }

    private static async Task<int> StatusAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, members) = await client.GetMembersAsync(cancellation);
        if (members is null)
            return Report(answer, output, error);
        await output.WriteAsync(MembersTable.Format(members));
        return ExitCodes.Success;
    }

    private static async Task<int> LeaveAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, members) = await client.GetMembersAsync(cancellation);
        if (members is null)
            return Report(answer, output, error);
        if (!members.Clustered)
        {
            await error.WriteLineAsync($"broker ctl: {members.SelfNode} is not in a cluster: nothing to leave");
            return ExitCodes.Refused;
        }

        return Report(await client.LeaveAsync(members.SelfNode, cancellation), output, error);
    }

    private static int Report(ManagementAnswer answer, TextWriter output, TextWriter error)
    {
        if (answer.IsSuccess)
        {
            output.WriteLine(answer.Message);
            return ExitCodes.Success;
        }

        error.WriteLine($"broker ctl: refused ({(int)answer.Status} {answer.Status}): {answer.Message}");
        return ExitCodes.Refused;
    }

    /// <summary>Takes <c>--management host:port</c> (or <c>=host:port</c>) out of <paramref name="args"/>.</summary>
    private static bool TryTakeManagement(List<string> args, out string? management, out string usage)
    {
        management = null;
        usage = "";
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--management")
            {
                if (i + 1 >= args.Count)
                {
                    usage = "--management needs host:port";
                    return false;
                }

                management = args[i + 1];
                args.RemoveRange(i, 2);
                return true;
            }

            if (args[i].StartsWith("--management=", StringComparison.Ordinal))
            {
                management = args[i]["--management=".Length..];
                args.RemoveAt(i);
                return true;
            }
        }

        return true;
    }

    private static Uri? EndpointUri(string management)
    {
        var written = management.Contains("://", StringComparison.Ordinal) ? management : $"http://{management}";
        return Uri.TryCreate(written, UriKind.Absolute, out var uri) ? uri : null;
    }

    private static Uri? EndpointFromConfiguration(IReadOnlyList<string> args, TextWriter error, IReadOnlyDictionary<string, string>? environment)
    {
        var result = BrokerConfiguration.Load(args, environment: environment);
        if (!result.IsValid)
        {
            BrokerCommands.ReportErrors(error, result.Errors);
            return null;
        }

        var http = result.Options.Management.Http;
        if (!http.Enable || http.Port == 0)
        {
            error.WriteLine($"broker ctl: the configuration has {(http.Enable ? "management.http.port = 0 (any free port)" : "management.http.enable = false")}: "
                + "give the endpoint with --management host:port");
            return null;
        }

        var host = IPAddress.Parse(http.Bind) switch
        {
            var any when any.Equals(IPAddress.Any) => IPAddress.Loopback,
            var any when any.Equals(IPAddress.IPv6Any) => IPAddress.IPv6Loopback,
            var address => address,
        };
        return new UriBuilder(Uri.UriSchemeHttp, host.ToString(), http.Port).Uri;
    }

    private static async Task<int> UsageErrorAsync(TextWriter error, string problem)
    {
        await error.WriteLineAsync($"broker ctl: {problem}");
        await error.WriteLineAsync(Usage);
        return ExitCodes.InvalidConfiguration;
    }
}
