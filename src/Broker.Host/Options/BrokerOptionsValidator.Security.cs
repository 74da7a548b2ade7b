using Broker.Host.Configuration;

namespace Broker.Host.Options;

public static partial class BrokerOptionsValidator
{
    private static void ValidateAuthentication(AuthenticatorOptions[] chain, List<ConfigurationError> errors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < chain.Length; i++)
        {
            var entry = chain[i];
            var at = $"authentication.{i}";
            // EMQX's authenticator id: the management API and the stored users are named by it, so it names one step.
            if (entry.Enable && !ids.Add(entry.Id()))
                errors.Add(new($"{at}.backend", $"{entry.Id()} is in the chain already; each mechanism and backend may appear once"));
            if (entry.RequestTimeout.Value <= TimeSpan.Zero)
                errors.Add(new($"{at}.request_timeout", "must be above 0"));
            switch (entry.Mechanism, entry.Backend)
            {
                case (AuthenticationMechanism.Jwt, _):
                    ValidateJwt(entry, at, errors);
                    continue;
                case (AuthenticationMechanism.PasswordBased, AuthenticationBackend.Http):
                    if (!IsHttpUrl(entry.Url))
                        errors.Add(new($"{at}.url", $"must be an http or https URL, got \"{entry.Url}\""));
                    if (entry.Method is not ("" or "post" or "get"))
                        errors.Add(new($"{at}.method", $"must be post or get for backend = http, got \"{entry.Method}\""));
                    Range(errors, $"{at}.pool_size", entry.PoolSize, 1, 1024);
                    continue;
                case (AuthenticationMechanism.PasswordBased, AuthenticationBackend.Ldap):
                    if (entry.Server.Length == 0)
                        errors.Add(new($"{at}.server", "must name the directory, like ldap.plant.local:389"));
                    if (entry.BaseDn.Length == 0)
                        errors.Add(new($"{at}.base_dn", "must name where the entries are searched, like ou=people,dc=plant,dc=local"));
                    if (entry.Method is not ("" or "bind" or "hash"))
                        errors.Add(new($"{at}.method", $"must be bind or hash for backend = ldap, got \"{entry.Method}\""));
                    Range(errors, $"{at}.pool_size", entry.PoolSize, 1, 1024);
                    continue;
                case (AuthenticationMechanism.PasswordBased, AuthenticationBackend.Postgresql):
                    ValidatePostgres(entry.Server, entry.Database, at, errors);
                    Range(errors, $"{at}.pool_size", entry.PoolSize, 1, 1024);
                    if (entry.PasswordHashAlgorithm.ToAlgorithm().Problem() is { } pgProblem)
                        errors.Add(new($"{at}.password_hash_algorithm", pgProblem));
                    continue;
                case (AuthenticationMechanism.PasswordBased, _):
                    break;
                case (AuthenticationMechanism.Scram, AuthenticationBackend.BuiltInDatabase):
                    ValidateScram(entry, at, errors);
                    continue;
                default:
                    errors.Add(new($"{at}.backend", $"{OptionValues.Format(entry.Backend)} is not supported for mechanism = scram; built_in_database is"));
                    continue;
            }

            if (entry.PasswordHashAlgorithm.ToAlgorithm().Problem() is { } problem)
                errors.Add(new($"{at}.password_hash_algorithm", problem));
            if (entry.BootstrapFile.Length > 0 && !File.Exists(entry.BootstrapFile))
                errors.Add(new($"{at}.bootstrap_file", $"no such file: \"{entry.BootstrapFile}\""));
        }
    }

    private static void ValidateScram(AuthenticatorOptions entry, string at, List<ConfigurationError> errors)
    {
        var algorithm = entry.ToScramAlgorithm();
        if (algorithm is null)
            errors.Add(new($"{at}.algorithm", $"must be sha256 or sha512 for mechanism = scram, got \"{entry.Algorithm}\""));
        Range(errors, $"{at}.iteration_count", entry.IterationCount, 1, 10_000_000);
        if (entry.BootstrapType != BootstrapType.Plain)
            errors.Add(new($"{at}.bootstrap_type", "must be plain for mechanism = scram: the keys are derived from passwords in clear"));
        if (entry.BootstrapFile.Length > 0 && !File.Exists(entry.BootstrapFile))
            errors.Add(new($"{at}.bootstrap_file", $"no such file: \"{entry.BootstrapFile}\""));
    }

    private static void ValidateJwt(AuthenticatorOptions entry, string at, List<ConfigurationError> errors)
    {
        if (entry.UseJwks)
        {
            if (!IsHttpUrl(entry.Endpoint))
                errors.Add(new($"{at}.endpoint", $"must be the JWKS URL (http or https), got \"{entry.Endpoint}\""));
            if (entry.RefreshInterval.Value <= TimeSpan.Zero)
                errors.Add(new($"{at}.refresh_interval", "must be above 0"));
            return;
        }

        switch (entry.Algorithm)
        {
            case "" or "hmac-based" when entry.Secret.Length == 0:
                errors.Add(new($"{at}.secret", "must be set for algorithm = hmac-based"));
                break;
            case "public-key" when entry.PublicKey.Length == 0:
                errors.Add(new($"{at}.public_key", "must be set for algorithm = public-key (PEM text or a file)"));
                break;
            case "" or "hmac-based" or "public-key":
                break;
            default:
                errors.Add(new($"{at}.algorithm", $"must be hmac-based or public-key, got \"{entry.Algorithm}\""));
                break;
        }
    }

    private static void ValidatePostgres(string server, string database, string at, List<ConfigurationError> errors)
    {
        if (server.Length == 0)
            errors.Add(new($"{at}.server", "must name the database server, like 127.0.0.1:5432"));
        if (database.Length == 0)
            errors.Add(new($"{at}.database", "must name the database"));
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

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
        var overload = options.OverloadProtection;
        if (overload.MemHighWatermark is <= 0 or > 1)
            errors.Add(new("overload_protection.mem_high_watermark", $"must be a share above 0 and at most 1, like 0.8, got {overload.MemHighWatermark}"));
        Range(errors, "overload_protection.run_queue_high_watermark", overload.RunQueueHighWatermark, 1, int.MaxValue);
        if (overload.CheckInterval.Value <= TimeSpan.Zero)
            errors.Add(new("overload_protection.check_interval", "must be above 0"));
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
            if (authorization.Sources.Take(i).Any(s => s.Type == source.Type) && source.Type != AuthorizationSourceType.File)
                errors.Add(new($"{at}.type", $"{OptionValues.Format(source.Type)} is in the sources already; it may appear once"));
            if (source.Type == AuthorizationSourceType.Postgresql)
                ValidatePostgres(source.Server, source.Database, at, errors);
            else if (source.Type == AuthorizationSourceType.BuiltInDatabase)
                Range(errors, $"{at}.max_rules", source.MaxRules, 1, 10_000);
            else if (source.Type == AuthorizationSourceType.Http)
                ValidateHttpSource(source, at, errors);
            else if (source.Path.Length == 0)
                errors.Add(new($"{at}.path", "must name the ACL file"));
            else if (!File.Exists(source.Path))
                errors.Add(new($"{at}.path", $"no such file: \"{source.Path}\""));
        }
    }

    private static void ValidateHttpSource(AuthorizationSourceOptions source, string at, List<ConfigurationError> errors)
    {
        if (!IsHttpUrl(source.Url))
            errors.Add(new($"{at}.url", $"must be an http or https URL, got \"{source.Url}\""));
        if (source.Method is not ("" or "post" or "get"))
            errors.Add(new($"{at}.method", $"must be post or get, got \"{source.Method}\""));
        if (source.RequestTimeout.Value <= TimeSpan.Zero)
            errors.Add(new($"{at}.request_timeout", "must be above 0"));
        Range(errors, $"{at}.pool_size", source.PoolSize, 1, 1024);
    }
}
