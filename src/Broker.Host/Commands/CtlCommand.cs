using System.Net;
using Broker.Host.Configuration;
using Broker.Host.Management;
using Broker.Host.Options;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker ctl status | clients | subscriptions | topics | retainer | trace | metrics | stats | alarms | cluster | users |
/// banned | admins | api_key ...</c>, as <c>emqx ctl</c>: asks the local node's management endpoint over HTTP. The endpoint is <c>--management host:port</c>, or else where the configuration
/// (file, environment, <c>--key=value</c> arguments, as <c>broker run</c> reads them) puts it; the credential for
/// /api/v5 is found by <see cref="CtlCredential"/>.
/// </summary>
internal static class CtlCommand
{
    public const string Usage = """
        Usage: broker ctl cluster status
               broker ctl status                      this node: name, version, started, uptime
               broker ctl clients list                every client of the cluster, connected or with a session kept
               broker ctl clients show <clientid>
               broker ctl clients kick <clientid>     disconnect it (DISCONNECT 0x98) and discard its session
               broker ctl subscriptions list
               broker ctl subscriptions show <clientid>
               broker ctl subscriptions add <clientid> <topic> <qos>   subscribe on the client's behalf
               broker ctl subscriptions del <clientid> <topic>
               broker ctl topics list                 the cluster's routes, "filter -> node"
               broker ctl topics show <topic>
               broker ctl retainer info               the number of retained messages
               broker ctl retainer topics             their topics
               broker ctl retainer clean [<topic>]    delete those the topic filter matches, or all but the $SYS ones
               broker ctl trace list
               broker ctl trace start client|topic|ip_address <value> [<file>] [--name <name>] [--duration <time>]
                 a trace named CLI-<value> (or --name) for --duration (default 10m); the node keeps its log, to
                 download from GET /api/v5/trace/<name>/download (no <file> is written)
               broker ctl trace stop <name>
               broker ctl trace del <name>            delete the trace and its log
               broker ctl metrics                     this node's metrics, "name : value"
               broker ctl stats                       this node's statistics, "name : value"
               broker ctl alarms list [--all]         the active alarms (--all: the cleared ones too)
               broker ctl cluster join <host:port>     join the cluster of the node with that cluster endpoint
                                                       (this node's own cluster.port: start a cluster of one)
               broker ctl cluster leave                this node leaves its cluster, then stops (exit 0)
               broker ctl cluster force-leave <node>   mark another node down (address or host:port)
               broker ctl users list
               broker ctl users show <user_id>
               broker ctl users add <user_id> <password|-> [--superuser]
               broker ctl users passwd <user_id> <password|-> [--superuser | --no-superuser]
               broker ctl users del <user_id>
                 users of the built-in database (--authenticator <id> for another one keeping users in the node);
                 "-" reads the password from the first line of the standard input, kept out of the process list
               broker ctl banned list
               broker ctl banned add <as> <who> [--reason <text>] [--until <time> | --for <duration>]
               broker ctl banned del <as> <who>
                 as: clientid, username, peerhost, clientid_re, username_re, peerhost_net; a ban without --until
                 or --for never ends; time ISO 8601 (2026-12-31T23:59:59Z), duration like 30m, 12h, 7d
               broker ctl admins add <username> <password|-> [--role administrator|viewer] [--description <text>]
               broker ctl admins passwd <username> <password|->
               broker ctl admins del <username>
                 the dashboard's users (dashboard.default_username is made when there is none)
               broker ctl api_key list
               broker ctl api_key add <name> [--role administrator|viewer] [--desc <text>] [--expired-at <time>]
               broker ctl api_key del <name>
                 keys of the HTTP API (HTTP Basic key:secret); add prints the secret, this once
          --management <host:port>   the node's management endpoint (default: management.http.bind and port
                                     of the configuration, 0.0.0.0 as 127.0.0.1)
          --api-key <key:secret>     the credential for /api/v5 (default: $BROKER_CTL_API_KEY, else the node's own,
                                     node.data_dir/ctl_api_key, made by the node at start and readable by its user only)
          -c, --config <file>, --<key>=<value>   the configuration to read the endpoint and data_dir from, as for run
        Exit codes: 0 done, 2 usage, 4 the endpoint cannot be reached, 7 the node refused (its answer printed).
        """;

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellation)
    {
        // status, metrics and stats are one word; every other command is a group and its verb.
        var single = args.Count > 0 && args[0] is "status" or "metrics" or "stats";
        if (args.Count < (single ? 1 : 2))
            return await UsageErrorAsync(error, "missing command");
        var rest = args.Skip(single ? 1 : 2).ToList();
        string? problem = null;
        var action = args[0] switch
        {
            "status" => CtlStatus.Command(output, error, cancellation),
            "metrics" => CtlNumbers.Command("/api/v5/metrics", output, error, cancellation),
            "stats" => CtlNumbers.Command("/api/v5/stats", output, error, cancellation),
            "clients" => CtlClients.Command(args[1], rest, output, error, cancellation, out problem),
            "subscriptions" => CtlSubscriptions.Command(args[1], rest, output, error, cancellation, out problem),
            "topics" => CtlTopics.Command(args[1], rest, output, error, cancellation, out problem),
            "retainer" => CtlRetainer.Command(args[1], rest, output, error, cancellation, out problem),
            "trace" => CtlTrace.Command(args[1], rest, output, error, cancellation, out problem),
            "alarms" => CtlAlarms.Command(args[1], rest, output, error, cancellation, out problem),
            "cluster" => ClusterCommand(args[1], rest, output, error, cancellation, out problem),
            "users" => CtlUsers.Command(args[1], rest, output, error, cancellation, out problem),
            "banned" => CtlBanned.Command(args[1], rest, output, error, cancellation, out problem),
            "admins" => CtlAdmins.Command(args[1], rest, output, error, cancellation, out problem),
            "api_key" => CtlApiKeys.Command(args[1], rest, output, error, cancellation, out problem),
            _ => Unknown(out problem),
        };
        if (action is null)
            return await UsageErrorAsync(error, problem ?? $"unknown command '{string.Join(' ', args.Take(single ? 1 : 2))}'");

        string? usage = null;
        var management = CtlArguments.TakeOption(rest, "--management", ref usage);
        var apiKey = CtlArguments.TakeOption(rest, "--api-key", ref usage);
        if (usage is not null)
            return await UsageErrorAsync(error, usage);
        var endpoint = management is not null ? EndpointUri(management) : EndpointFromConfiguration(rest, error, environment);
        if (endpoint is null)
            return ExitCodes.InvalidConfiguration;
        var (credential, source) = CtlCredential.Find(apiKey, rest, environment);
        if (credential is null && source is not null)
            return await UsageErrorAsync(error, source);

        using var client = new ManagementClient(endpoint, credential, source);
        try
        {
            return await action(client);
        }
        catch (ManagementUnreachableException e)
        {
            await error.WriteLineAsync($"broker ctl: {e.Message}");
            return ExitCodes.BrokerUnreachable;
        }
    }

    private static Func<ManagementClient, Task<int>>? Unknown(out string? problem)
    {
        problem = null;
        return null;
    }

    /// <summary>The cluster verbs; null (with the problem) for a command line they do not take.</summary>
    private static Func<ManagementClient, Task<int>>? ClusterCommand(
        string verb, List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        if (verb is not ("status" or "join" or "leave" or "force-leave"))
            return null;
        string? target = null;
        if (verb is "join" or "force-leave")
        {
            if (rest.Count == 0 || rest[0].StartsWith('-'))
            {
                problem = $"'{verb}' needs {(verb == "join" ? "<host:port>" : "<node>")}";
                return null;
            }

            target = rest[0];
            rest.RemoveAt(0);
        }

        return verb switch
        {
            "status" => client => StatusAsync(client, output, error, cancellation),
            "join" => async client => Report(await client.JoinAsync(target!, cancellation), output, error),
            "leave" => client => LeaveAsync(client, output, error, cancellation),
            _ => async client => Report(await client.DownAsync(target!, cancellation), output, error),
        };
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

    internal static int Report(ManagementAnswer answer, TextWriter output, TextWriter error)
    {
        if (answer.IsSuccess)
        {
            output.WriteLine(answer.Message);
            return ExitCodes.Success;
        }

        var code = answer.Code is null ? "" : answer.Code + ": ";
        error.WriteLine($"broker ctl: refused ({(int)answer.Status} {answer.Status}): {code}{answer.Message}");
        return ExitCodes.Refused;
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
