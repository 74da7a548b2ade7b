using System.Text;
using Broker.Core.Security.Authentication;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary><c>broker ctl users list | show | add | passwd | del</c>: the built-in database's users through the management API.</summary>
internal static class CtlUsers
{
    public static Func<ManagementClient, Task<int>>? Command(
        string verb, List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        var authenticator = CtlArguments.TakeOption(rest, "--authenticator", ref problem) ?? BuiltInDatabase.AuthenticatorName;
        var users = $"/api/v5/authentication/{Uri.EscapeDataString(authenticator)}/users";
        var wanted = verb switch
        {
            "list" => 0,
            "show" or "del" => 1,
            "add" or "passwd" => 2,
            _ => -1,
        };
        if (wanted < 0 || problem is not null)
            return null;
        var words = CtlArguments.TakePositional(rest, wanted);
        if (words is null)
        {
            problem = $"'users {verb}' needs {(wanted == 1 ? "<user_id>" : "<user_id> <password|->")}";
            return null;
        }

        var superuser = CtlArguments.TakeFlag(rest, "--superuser");
        var notSuperuser = verb == "passwd" && CtlArguments.TakeFlag(rest, "--no-superuser");
        bool? superuserChange = superuser ? true : notSuperuser ? false : null;
        return verb switch
        {
            "list" => client => ListAsync(client, users, output, error, cancellation),
            "show" => async client => Show(await client.SendAsync(HttpMethod.Get, UserPath(users, words[0]), null, SecurityApiJson.Written.UserJson, cancellation), output, error),
            "del" => async client => CtlCommand.Report(
                (await client.SendAsync<UserJson>(HttpMethod.Delete, UserPath(users, words[0]), null, null, cancellation)).Answer
                    .OrMessage($"user {words[0]} deleted"), output, error),
            "add" => async client => Changed(await client.SendAsync(HttpMethod.Post, users,
                CtlArguments.Body(new NewUserJson(words[0], CtlArguments.Password(words[1]), superuser), SecurityApiJson.Written.NewUserJson),
                SecurityApiJson.Written.UserJson, cancellation), "added", output, error),
            _ => async client => Changed(await client.SendAsync(HttpMethod.Put, UserPath(users, words[0]),
                CtlArguments.Body(new UserUpdateJson(CtlArguments.Password(words[1]), superuserChange), SecurityApiJson.Written.UserUpdateJson),
                SecurityApiJson.Written.UserJson, cancellation), "changed", output, error),
        };
    }

    private static async Task<int> ListAsync(ManagementClient client, string users, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, page) = await client.SendAsync(HttpMethod.Get, $"{users}?limit={ApiRequests.MaxLimit}", null, SecurityApiJson.Written.PageJsonUserJson, cancellation);
        if (page is null)
            return CtlCommand.Report(answer, output, error);
        var text = new StringBuilder();
        var width = Math.Max("user_id".Length, page.Data.Select(u => u.UserId.Length).DefaultIfEmpty(0).Max());
        text.AppendLine($"{"user_id".PadRight(width)}  superuser");
        foreach (var user in page.Data)
            text.AppendLine($"{user.UserId.PadRight(width)}  {(user.IsSuperuser ? "yes" : "no")}");
        if (page.Meta.Count > page.Data.Count)
            text.AppendLine($"({page.Data.Count} of {page.Meta.Count} shown; the API pages through all: GET {users}?page=2&limit={ApiRequests.MaxLimit})");
        await output.WriteAsync(text.ToString());
        return ExitCodes.Success;
    }

    private static int Show((ManagementAnswer Answer, UserJson? User) result, TextWriter output, TextWriter error)
    {
        if (result.User is not { } user)
            return CtlCommand.Report(result.Answer, output, error);
        output.WriteLine($"{user.UserId}  superuser: {(user.IsSuperuser ? "yes" : "no")}");
        return ExitCodes.Success;
    }

    private static int Changed((ManagementAnswer Answer, UserJson? User) result, string what, TextWriter output, TextWriter error) =>
        CtlCommand.Report(result.User is { } user
            ? result.Answer.OrMessage($"user {user.UserId} {what}{(user.IsSuperuser ? " (super user)" : "")}")
            : result.Answer, output, error);

    private static string UserPath(string users, string userId) => $"{users}/{CtlArguments.PathOf(userId)}";
}
