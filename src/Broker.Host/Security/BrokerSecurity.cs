using Broker.Core.Security;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Http;
using Broker.Core.Security.Authentication.Jwt;
using Broker.Core.Security.Authentication.Ldap;
using Broker.Core.Security.Authentication.Postgres;
using Broker.Core.Security.Authentication.Scram;
using Broker.Core.Security.Authorization.Http;
using Broker.Core.Security.Authorization.Postgres;
using Broker.Core.Security.Authorization;
using Broker.Core.Security.Authorization.BuiltIn;
using Broker.Core.Security.Protection;
using Broker.Core.Security.Records;
using Broker.Host.Options;
using Broker.Transport.Channels;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Security;

/// <summary>The configured authentication chain and authorization, made once at start for every connection.</summary>
public static partial class BrokerSecurity
{
    /// <param name="store">Where the tables changed at run time (users, bans) are kept: registered here, seeded from the bootstrap files.</param>
    public static ChannelSecurity Build(BrokerOptions options, SecurityStore store, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var chain = new AuthenticationChain(Steps(options.Authentication, store));
        if (chain.IsEmpty && CertificatesOnly(options.Listeners))
        {
            LogCertificatesOnly(logger);
        }
        else if (chain.IsEmpty)
        {
            LogAnonymous(logger);
        }
        else
        {
            LogChain(logger, string.Join(", ", chain.Steps.Select(s => s.Authenticator.Name)));
        }

        var authorization = options.Authorization;
        var sources = Sources(authorization.Sources, store);
        if (sources.Count > 0 || authorization.NoMatch == NoMatchAction.Deny)
        {
            LogAuthorization(logger, sources.Count, OptionName(authorization.NoMatch), OptionName(authorization.DenyAction));
        }

        var bans = new BannedClients(new BanList(time), store);
        SeedBans(bans, options.Banned, time);

        var flapping = options.FlappingDetect;
        var overload = options.OverloadProtection;
        return new ChannelSecurity
        {
            Authentication = chain,
            Bans = bans.List,
            Overload = overload.Enable ? new OverloadGuard(new OverloadSettings(overload.MemHighWatermark, overload.RunQueueHighWatermark)) : null,
            Flapping = flapping.Enable
                ? new FlappingDetector(new FlappingSettings(flapping.MaxCount, flapping.WindowTime.Value, flapping.BanTime.Value), bans, time)
                : null,
            Authorizer = new Authorizer(
                sources,
                authorization.NoMatch == NoMatchAction.Allow ? AclDecision.Allow : AclDecision.Deny,
                new Core.Security.Authorization.AuthorizationCacheOptions { Enable = authorization.Cache.Enable, MaxSize = authorization.Cache.MaxSize, Ttl = authorization.Cache.Ttl.Value },
                time),
            DisconnectOnDeny = authorization.DenyAction == DenyAction.Disconnect,
            UsernameFromCertificate = ToIdentity(options.Mqtt.PeerCertAsUsername),
            ClientIdFromCertificate = ToIdentity(options.Mqtt.PeerCertAsClientid),
        };
    }

    private static List<AuthenticationStep> Steps(AuthenticatorOptions[] entries, SecurityStore store)
    {
        var steps = new List<AuthenticationStep>();
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (!entry.Enable)
            {
                continue;
            }

            steps.Add(new AuthenticationStep(
                Authenticator(entry, $"authentication.{i}", store),
                entry.RequestTimeout.Value,
                entry.OnFailure == FailureVerdict.Deny ? AuthenticationVerdict.Deny : AuthenticationVerdict.Ignore));
        }

        return steps;
    }

    /// <summary>The validator let through the mechanisms and backends made here only.</summary>
    private static IAuthenticator Authenticator(AuthenticatorOptions entry, string at, SecurityStore store)
    {
        try
        {
            if (entry.Mechanism == AuthenticationMechanism.Jwt)
            {
                return JwtAuthenticator.Create(entry.ToJwtOptions());
            }

            if (entry.Mechanism == AuthenticationMechanism.Scram)
            {
                return ScramDatabase(entry, at, store);
            }

            if (entry.Backend == AuthenticationBackend.Http)
            {
                return new HttpAuthenticator(entry.ToHttpSettings());
            }

            if (entry.Backend == AuthenticationBackend.Ldap)
            {
                return new LdapAuthenticator(entry.ToLdapSettings());
            }

            if (entry.Backend == AuthenticationBackend.Postgresql)
            {
                return new PostgresAuthenticator(entry.ToPostgresSettings());
            }
        }
        catch (ArgumentException e)
        {
            throw new SecurityConfigurationException(at, e.Message, e);
        }

        var algorithm = entry.PasswordHashAlgorithm.ToAlgorithm();
        var database = new BuiltInDatabase(algorithm, entry.UserIdType == UserIdType.Clientid);
        store.Register(database);
        foreach (var user in entry.BootstrapFile.Length == 0 ? [] : ReadUsers($"{at}.bootstrap_file", entry, algorithm))
        {
            store.Seed(database.Kind, user.UserId, BuiltInUserFormat.Serialize(user));
        }

        return database;
    }

    private static ScramDatabase ScramDatabase(AuthenticatorOptions entry, string at, SecurityStore store)
    {
        var algorithm = entry.ToScramAlgorithm()!;
        var database = new ScramDatabase(algorithm, entry.IterationCount);
        store.Register(database);
        try
        {
            foreach (var user in entry.BootstrapFile.Length == 0 ? [] : ScramBootstrapFile.Load(entry.BootstrapFile, algorithm, entry.IterationCount))
            {
                store.Seed(database.Kind, user.UserId, ScramUserFormat.Serialize(user));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new SecurityConfigurationException($"{at}.bootstrap_file", e.Message, e);
        }

        return database;
    }

    private static IReadOnlyList<BuiltInUser> ReadUsers(string key, AuthenticatorOptions entry, PasswordHashAlgorithm algorithm)
    {
        try
        {
            return BootstrapFile.Load(entry.BootstrapFile, entry.BootstrapType == BootstrapType.Plain, algorithm);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new SecurityConfigurationException(key, e.Message, e);
        }
    }

    private static void SeedBans(BannedClients bans, BannedOptions banned, TimeProvider time)
    {
        if (banned.BootstrapFile.Length == 0)
        {
            return;
        }

        try
        {
            foreach (var ban in BanFile.Parse(File.ReadAllText(banned.BootstrapFile), time.GetUtcNow(), banned.BootstrapFile))
            {
                // A bad pattern or network is found here, before the broker serves anybody.
                bans.Seed(ban);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            throw new SecurityConfigurationException("banned.bootstrap_file", e.Message, e);
        }
    }

    private static List<IAsyncAuthorizationSource> Sources(AuthorizationSourceOptions[] entries, SecurityStore store)
    {
        var sources = new List<IAsyncAuthorizationSource>();
        for (var i = 0; i < entries.Length; i++)
        {
            if (!entries[i].Enable)
            {
                continue;
            }

            try
            {
                sources.Add(entries[i].Type switch
                {
                    AuthorizationSourceType.Postgresql => new PostgresAuthorizationSource(entries[i].ToPostgresSettings()),
                    AuthorizationSourceType.BuiltInDatabase => BuiltInAcl(entries[i].MaxRules, store),
                    AuthorizationSourceType.Http => new HttpAuthorizationSource(entries[i].ToHttpSettings()),
                    _ => AclFile.Load(entries[i].Path),
                });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or AclParseException or ArgumentException)
            {
                // The message names the key of an http or postgresql entry (url: ..., headers: ...).
                var at = entries[i].Type == AuthorizationSourceType.File ? $"authorization.sources.{i}.path" : $"authorization.sources.{i}";
                throw new SecurityConfigurationException(at, e.Message, e);
            }
        }

        return sources;
    }

    private static BuiltInAcl BuiltInAcl(int maxRules, SecurityStore store)
    {
        var acl = new BuiltInAcl(maxRules);
        store.Register(acl);
        return acl;
    }

    /// <summary>Every open listener refuses a client without a certificate of the configured CA: the certificate is the credential.</summary>
    private static bool CertificatesOnly(ListenersOptions listeners) =>
        !listeners.Tcp.Enabled && !listeners.Ws.Enabled && !listeners.Wss.Enabled
        && listeners.Ssl is { Enabled: true, Verify: PeerVerification.VerifyPeer, FailIfNoPeerCert: true };

    private static CertificateIdentity ToIdentity(PeerCertAs option) => option switch
    {
        PeerCertAs.Cn => CertificateIdentity.CommonName,
        PeerCertAs.Dn => CertificateIdentity.DistinguishedName,
        _ => CertificateIdentity.Disabled,
    };

    private static string OptionName(Enum value) => Configuration.OptionValues.Format(value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No authenticator is configured: every client is let in, with any credentials (set authentication = [...], see hocon/broker.conf)")]
    private static partial void LogAnonymous(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "No password authenticator: clients are identified by their certificates only (every listener requires one of the configured CA)")]
    private static partial void LogCertificatesOnly(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Authentication chain: {Chain}")]
    private static partial void LogChain(ILogger logger, string chain);

    [LoggerMessage(Level = LogLevel.Information, Message = "Authorization: {Sources} sources, no_match = {NoMatch}, deny_action = {DenyAction}")]
    private static partial void LogAuthorization(ILogger logger, int sources, string noMatch, string denyAction);
}
