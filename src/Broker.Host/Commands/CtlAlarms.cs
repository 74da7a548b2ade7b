using System.Globalization;
using System.Text;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary><c>broker ctl alarms list [--all]</c>: the active alarms (with <c>--all</c>, the cleared ones too) from <c>/api/v5/alarms</c>.</summary>
internal static class CtlAlarms
{
    public static Func<ManagementClient, Task<int>>? Command(
        string verb, List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        if (verb != "list")
            return null;
        var all = CtlArguments.TakeFlag(rest, "--all");
        var path = all ? AlarmRoutes.Path : AlarmRoutes.Path + "?activated=true";
        return async client =>
        {
            var (answer, alarms, truncated) = await CtlPages.AllAsync(client, path, AlarmApiJson.Written.PageJsonAlarmJson, cancellation);
            if (alarms is null)
                return CtlCommand.Report(answer, output, error);
            var text = new StringBuilder();
            if (alarms.Count == 0)
                text.AppendLine(all ? "No alarms." : "No active alarms.");
            foreach (var a in alarms)
            {
                var cleared = a.DeactivateAt is null ? "" : $", deactivate_at={a.DeactivateAt}";
                text.AppendLine(CultureInfo.InvariantCulture, $"Alarm({a.Name}, node={a.Node}, message={a.Message}, activate_at={a.ActivateAt}{cleared}, duration={CtlStatus.Readable(TimeSpan.FromMilliseconds(a.Duration))})");
            }

            await output.WriteAsync(text.ToString());
            if (truncated)
                await error.WriteLineAsync(CtlPages.TruncatedNote("alarms", alarms.Count));
            return ExitCodes.Success;
        };
    }
}
