using System.Text;
using Broker.Core.Security.Dashboard;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary><c>broker ctl admins add | passwd | del</c>, as <c>emqx ctl admins</c>: the dashboard's users through the API.</summary>
internal static class CtlAdmins
{
    public static Func<ManagementClient, Task<int>>? Command(
        string verb, List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        var wanted = verb switch
        {
            "del" => 1,
            "add" or "passwd" => 2,
            _ => -1,
        };
        if (wanted < 0)
            return null;
        var role = CtlArguments.TakeOption(rest, "--role", ref problem) ?? AdminRole.Administrator;
        var description = CtlArguments.TakeOption(rest, "--description", ref problem) ?? "";
        var words = CtlArguments.TakePositional(rest, wanted);
        if (words is null || !AdminRole.IsKnown(role))
        {
            problem ??= words is null ? $"'admins {verb}' needs {(wanted == 1 ? "<username>" : "<username> <password|->")}" : $"--role is {AdminRole.Administrator} or {AdminRole.Viewer}";
            return null;
        }

        var path = $"{DashboardUserRoutes.Path}/{Uri.EscapeDataString(words[0])}";
        return verb switch
        {
            "add" => async client => CtlCommand.Report((await client.SendAsync(HttpMethod.Post, DashboardUserRoutes.Path,
                CtlArguments.Body(new NewDashboardUserJson(words[0], CtlArguments.Password(words[1]), role, description), AccessApiJson.Written.NewDashboardUserJson),
                AccessApiJson.Written.DashboardUserJson, cancellation)).Answer.OrMessage($"dashboard user {words[0]} added ({role})"), output, error),
            // The node's own credential may set a password without the old one, as emqx ctl admins passwd does.
            "passwd" => async client => CtlCommand.Report((await client.SendAsync<DashboardUserJson>(HttpMethod.Post, path + "/change_pwd",
                CtlArguments.Body(new ChangePasswordJson(null, CtlArguments.Password(words[1])), AccessApiJson.Written.ChangePasswordJson), null, cancellation))
                .Answer.OrMessage($"password of {words[0]} changed"), output, error),
            _ => async client => CtlCommand.Report((await client.SendAsync<DashboardUserJson>(HttpMethod.Delete, path, null, null, cancellation))
                .Answer.OrMessage($"dashboard user {words[0]} deleted"), output, error),
        };
    }
}
