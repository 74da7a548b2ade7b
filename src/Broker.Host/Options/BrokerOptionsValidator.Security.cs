using Broker.Host.Configuration;

namespace Broker.Host.Options;

public static partial class BrokerOptionsValidator
{
    private static void ValidateAuthentication(AuthenticatorOptions[] chain, List<ConfigurationError> errors)
    {
        for (var i = 0; i < chain.Length; i++)
        {
            var entry = chain[i];
            var at = $"authentication.{i}";
            if (entry.Mechanism != AuthenticationMechanism.PasswordBased)
            {
                errors.Add(new($"{at}.mechanism", $"{OptionValues.Format(entry.Mechanism)} is not supported yet; password_based is"));
                continue;
            }

            if (entry.Backend != AuthenticationBackend.BuiltInDatabase)
            {
                errors.Add(new($"{at}.backend", $"{OptionValues.Format(entry.Backend)} is not supported yet; built_in_database is"));
                continue;
            }

            if (entry.PasswordHashAlgorithm.ToAlgorithm().Problem() is { } problem)
                errors.Add(new($"{at}.password_hash_algorithm", problem));
            if (entry.BootstrapFile.Length > 0 && !File.Exists(entry.BootstrapFile))
                errors.Add(new($"{at}.bootstrap_file", $"no such file: \"{entry.BootstrapFile}\""));
            if (entry.RequestTimeout.Value <= TimeSpan.Zero)
                errors.Add(new($"{at}.request_timeout", "must be above 0"));
        }
    }

    private static void ValidateProtection(BrokerOptions options, List<ConfigurationError> errors)
    {
        if (options.Banned.BootstrapFile.Length > 0 && !File.Exists(options.Banned.BootstrapFile))
            errors.Add(new("banned.bootstrap_file", $"no such file: \"{options.Banned.BootstrapFile}\""));
        var flapping = options.FlappingDetect;
        Range(errors, "flapping_detect.max_count", flapping.MaxCount, 1, 1_000_000);
        if (flapping.WindowTime.Value <= TimeSpan.Zero)
            errors.Add(new("flapping_detect.window_time", "must be above 0"));
        if (flapping.BanTime.Value <= TimeSpan.Zero)
            errors.Add(new("flapping_detect.ban_time", "must be above 0"));
    }

    private static void ValidateAuthorization(AuthorizationOptions authorization, List<ConfigurationError> errors)
    {
        Range(errors, "authorization.cache.max_size", authorization.Cache.MaxSize, 1, 1_000_000);
        if (authorization.Cache.Ttl.Value <= TimeSpan.Zero)
            errors.Add(new("authorization.cache.ttl", "must be above 0"));
        for (var i = 0; i < authorization.Sources.Length; i++)
        {
            var source = authorization.Sources[i];
            var at = $"authorization.sources.{i}";
            if (source.Type != AuthorizationSourceType.File)
                errors.Add(new($"{at}.type", $"{OptionValues.Format(source.Type)} is not supported yet; file is"));
            else if (source.Path.Length == 0)
                errors.Add(new($"{at}.path", "must name the ACL file"));
            else if (!File.Exists(source.Path))
                errors.Add(new($"{at}.path", $"no such file: \"{source.Path}\""));
        }
    }
}
