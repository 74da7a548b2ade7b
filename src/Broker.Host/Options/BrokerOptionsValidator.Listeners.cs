using System.Net;
using Broker.Host.Configuration;

namespace Broker.Host.Options;

public static partial class BrokerOptionsValidator
{
    private static void ValidateListeners(ListenersOptions listeners, List<ConfigurationError> errors)
    {
        foreach (var (name, listener) in listeners.All())
        {
            var key = $"listeners.{name}";
            Range(errors, $"{key}.port", listener.Port, 1, 65535);
            Range(errors, $"{key}.max_connections", listener.MaxConnections, 1, int.MaxValue);
            Range(errors, $"{key}.max_conn_rate", listener.MaxConnRate, 0, int.MaxValue);
            Range(errors, $"{key}.messages_rate", listener.MessagesRate, 0, int.MaxValue);
            Range(errors, $"{key}.messages_burst", listener.MessagesBurst, 0, int.MaxValue);
            Range(errors, $"{key}.bytes_rate", listener.BytesRate.Bytes, 0, long.MaxValue);
            Range(errors, $"{key}.bytes_burst", listener.BytesBurst.Bytes, 0, long.MaxValue);
            if (!IPAddress.TryParse(listener.Bind, out _))
                errors.Add(new($"{key}.bind", $"must be an IP address such as 0.0.0.0 or ::, got \"{listener.Bind}\""));
            if (listener is WsListenerOptions ws)
                ValidatePath(errors, key, ws.Path);
            if (listener is WssListenerOptions wss)
                ValidatePath(errors, key, wss.Path);
            if (listener is TlsListenerOptions tls && tls.Enabled)
                ValidateTls(errors, key, tls);
        }
        ValidateDistinctEndpoints(listeners, errors);
    }

    private static void ValidatePath(List<ConfigurationError> errors, string key, string path)
    {
        if (!path.StartsWith('/'))
            errors.Add(new($"{key}.path", $"must start with '/', got \"{path}\""));
    }

    /// <summary>Files are checked only for enabled listeners: a disabled one may keep placeholders.</summary>
    private static void ValidateTls(List<ConfigurationError> errors, string key, TlsListenerOptions tls)
    {
        RequiredFile(errors, $"{key}.certfile", tls.CertFile, key);
        RequiredFile(errors, $"{key}.keyfile", tls.KeyFile, key);
        if (tls.CaCertFile.Length > 0 && !File.Exists(tls.CaCertFile))
            errors.Add(new($"{key}.cacertfile", $"file not found: {tls.CaCertFile}"));
        // Enforcing client certificates without asking for them would silently accept everyone.
        if (tls is SslListenerOptions { FailIfNoPeerCert: true, Verify: PeerVerification.VerifyNone })
            errors.Add(new($"{key}.fail_if_no_peer_cert", "requires verify = verify_peer; with verify_none no client certificate is requested"));
        if (tls is SslListenerOptions { CrlFile.Length: > 0 } crl)
        {
            if (!File.Exists(crl.CrlFile))
                errors.Add(new($"{key}.crlfile", $"file not found: {crl.CrlFile}"));
            if (crl.Verify == PeerVerification.VerifyNone)
                errors.Add(new($"{key}.crlfile", "requires verify = verify_peer; with verify_none no client certificate is checked"));
        }
    }

    private static void RequiredFile(List<ConfigurationError> errors, string key, string path, string listener)
    {
        if (path.Length == 0)
            errors.Add(new(key, $"is required when {listener}.enabled = true (a PEM file)"));
        else if (!File.Exists(path))
            errors.Add(new(key, $"file not found: {path}"));
    }

    private static void ValidateDistinctEndpoints(ListenersOptions listeners, List<ConfigurationError> errors)
    {
        var enabled = listeners.All().Where(l => l.Listener.Enabled).ToList();
        foreach (var group in enabled.GroupBy(l => l.Listener.Port).Where(g => g.Count() > 1))
        {
            var names = group.Select(l => l.Name).ToList();
            foreach (var name in names.Skip(1))
                errors.Add(new($"listeners.{name}.port", $"port {group.Key} is already used by listeners.{names[0]}"));
        }
    }
}
