using Broker.Host.Configuration;

namespace Broker.Host.Options;

public static partial class BrokerOptionsValidator
{
    private static void ValidateDashboard(DashboardOptions dashboard, List<ConfigurationError> errors)
    {
        if (dashboard.Listeners.Http.EndPoint() is null)
            errors.Add(new("dashboard.listeners.http.bind", $"must be a port (18083) or ip:port (0.0.0.0:18083, [::]:18083), port 0 to 65535, got \"{dashboard.Listeners.Http.Bind}\""));
        if (dashboard.TokenExpiredTime.Value < TimeSpan.FromSeconds(1))
            errors.Add(new("dashboard.token_expired_time", $"must be at least 1s, got {dashboard.TokenExpiredTime}"));
        if (dashboard.DefaultUsername.Length > 0 && dashboard.DefaultPassword.Length == 0)
            errors.Add(new("dashboard.default_password", "must not be empty when dashboard.default_username is set (empty both for no default user)"));
    }
}
