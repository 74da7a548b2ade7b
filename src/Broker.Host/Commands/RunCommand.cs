using Broker.Host.Configuration;
using Broker.Host.Listeners;
using Broker.Host.Management;
using Broker.Host.Options;
using Broker.Host.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using Broker.Host.Security;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker run</c>: validates the configuration before anything starts, then runs the generic
/// host, which opens the listeners, until Ctrl+C or SIGTERM.
/// </summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter error,
        IReadOnlyDictionary<string, string>? environment, CancellationToken cancellation)
    {
        var result = BrokerConfiguration.Load(args, environment: environment);
        if (!result.IsValid)
        {
            BrokerCommands.ReportErrors(error, result.Errors);
            return ExitCodes.InvalidConfiguration;
        }

        // No defaults: the generic host would otherwise add appsettings.json, DOTNET_ variables and
        // its own command-line parsing next to ours, and ours must be the only configuration.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "broker",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddConfiguration(result.Configuration);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
        var level = result.Options.Log.Level.ToLogLevel();
        // The least level lets everything through to the filter, which reads log.level as it is now: it may change at
        // run time (PUT /api/v5/configs/log).
        var logLevel = new LogLevelSwitch(level);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFilter((_, _, candidate) => logLevel.IsEnabled(candidate));
        builder.Services.AddSingleton(logLevel);
        // Kestrel logs every accepted connection and FIN at debug; at log.level = debug that would bury
        // the broker's own per-client lines, so its chatter needs trace.
        builder.Logging.AddFilter("Microsoft.AspNetCore", level <= LogLevel.Trace ? LogLevel.Trace : (LogLevel)Math.Max((int)level, (int)LogLevel.Information));
        builder.Services.AddSingleton(result.Options);
        builder.Services.AddSingleton(result);
        builder.Services.AddHostedService<StartupReport>();
        builder.Services.AddHostedService<BrokerService>();
        builder.Services.AddSingleton<ExitStatus>();

        using var host = builder.Build();
        // Read before the run: RunAsync disposes the host's services when it returns.
        var exit = host.Services.GetRequiredService<ExitStatus>();
        try
        {
            await host.RunAsync(cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Stopped before it finished starting: still an orderly stop.
        }
        catch (ListenerStartException e)
        {
            await error.WriteLineAsync($"broker: {e.Message}");
            return ExitCodes.ListenerFailed;
        }
        catch (ManagementStartException e)
        {
            await error.WriteLineAsync($"broker: {e.Message}");
            return ExitCodes.ListenerFailed;
        }
        catch (DashboardStartException e)
        {
            await error.WriteLineAsync($"broker: {e.Message}");
            return ExitCodes.ListenerFailed;
        }
        catch (ClusterStartException e)
        {
            await error.WriteLineAsync($"broker: {e.Message}");
            return ExitCodes.ListenerFailed;
        }
        catch (SecurityConfigurationException e)
        {
            await error.WriteLineAsync($"broker: {e.Message}");
            return ExitCodes.InvalidConfiguration;
        }
        catch (StorageUnavailableException e)
        {
            await error.WriteLineAsync($"broker: {e.Message}");
            return ExitCodes.StorageUnavailable;
        }
        return exit.Code;
    }
}
