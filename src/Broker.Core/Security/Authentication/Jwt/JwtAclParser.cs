using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Broker.Core.Security.Authorization;

namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>
/// Reads a token's <c>acl</c> claim in either of EMQX's formats:
/// <code>
/// old: {"pub": [Topic], "sub": [Topic], "all": [Topic]}                       (each optional)
/// new: [{"permission": "allow" | "deny",
///        "action": "publish" | "pub" | "subscribe" | "sub" | "all",
///        "topic": Topic | "topics": [Topic],
///        "qos": 0..2 | [0..2] | "0,1" (default all),  "retain": true | false | "all" (publish and all only),
///        "username_re" | "clientid_re": Regex, "ipaddr": Address or CIDR}]      (who: optional, all must hold)
/// Topic = filter with ${username}, ${clientid}, ${cert_common_name} | "eq " ++ exact topic
/// </code>
/// A rule that does not read fails the whole token, as EMQX does (<c>bad_acl_rule</c>); so does <c>zone</c> or
/// <c>listener</c>, which this broker has nothing to match against (ignoring them would widen the rule).
/// </summary>
internal static class JwtAclParser
{
    /// <exception cref="FormatException">The claim is not a rule list or map, or a rule does not read.</exception>
    public static JwtAcl Parse(JsonElement claim, long? expiresAt, TimeProvider time) => claim.ValueKind switch
    {
        JsonValueKind.Object => new JwtAcl(ParseLists(claim), AclDecision.Deny, expiresAt, time),
        JsonValueKind.Array => new JwtAcl(claim.EnumerateArray().Select((rule, i) => ParseRule(rule, i + 1)).ToArray(), AclDecision.NoMatch, expiresAt, time),
        _ => throw new FormatException($"acl claim: a list of rules or a {{pub, sub, all}} map, not {claim.ValueKind}"),
    };

    private static AclRule[] ParseLists(JsonElement claim)
    {
        var rules = new List<AclRule>(3);
        foreach (var (key, action) in new[]
                 {
                     ("pub", new ActionCondition(true, false, ActionCondition.AnyQos, null)),
                     ("sub", new ActionCondition(false, true, ActionCondition.AnyQos, null)),
                     ("all", ActionCondition.All),
                 })
        {
            if (claim.TryGetProperty(key, out var topics))
            {
                var where = $"acl claim '{key}'";
                rules.Add(new AclRule(AclDecision.Allow, AnyClient.Instance, action, ParseTopics(topics, where), rules.Count + 1));
            }
        }

        return [.. rules];
    }

    private static AclRule ParseRule(JsonElement rule, int number) => ParseRule(rule, $"acl rule {number}", number);

    /// <summary>
    /// One rule of the new format, which is EMQX's raw rule (<c>emqx_authz_rule_raw</c>): also a row of the SQL
    /// authorization sources, read as a map from column to value.
    /// </summary>
    /// <param name="where">Names the rule in errors: "acl rule 2", "row 3".</param>
    /// <exception cref="FormatException">The rule does not read.</exception>
    internal static AclRule ParseRule(JsonElement rule, string where, int number)
    {
        if (rule.ValueKind != JsonValueKind.Object
            || !rule.TryGetProperty("permission", out var permission)
            || !rule.TryGetProperty("action", out var action))
        {
            throw new FormatException($"{where}: an object with 'permission' and 'action'");
        }

        var decision = permission.ValueKind == JsonValueKind.String ? permission.GetString() switch
        {
            "allow" => AclDecision.Allow,
            "deny" => AclDecision.Deny,
            _ => (AclDecision?)null,
        } : null;
        var topics = rule.TryGetProperty("topic", out var topic) && topic.ValueKind == JsonValueKind.String
            ? [Topic(topic, where)]
            : rule.TryGetProperty("topics", out var list) ? ParseTopics(list, where)
            : throw new FormatException($"{where}: 'topic' or 'topics'");
        return new AclRule(
            decision ?? throw new FormatException($"{where}: permission allow or deny, not {permission.GetRawText()}"),
            ParseWho(rule, where),
            ParseAction(rule, action, where),
            topics,
            number);
    }

    private static ActionCondition ParseAction(JsonElement rule, JsonElement action, string where)
    {
        var (publish, subscribe) = (action.ValueKind == JsonValueKind.String ? action.GetString() : null) switch
        {
            "publish" or "pub" => (true, false),
            "subscribe" or "sub" => (false, true),
            "all" => (true, true),
            _ => throw new FormatException($"{where}: action publish, subscribe or all, not {action.GetRawText()}"),
        };
        var qos = rule.TryGetProperty("qos", out var q) ? QosMask(q, where) : ActionCondition.AnyQos;
        bool? retain = publish && rule.TryGetProperty("retain", out var r) ? Retain(r, where) : null;
        return new ActionCondition(publish, subscribe, qos, retain);
    }

    private static int QosMask(JsonElement qos, string where)
    {
        var levels = qos.ValueKind switch
        {
            JsonValueKind.Null => ["0", "1", "2"],
            JsonValueKind.Number => [qos.GetRawText()],
            JsonValueKind.String => qos.GetString()!.Split(','),
            JsonValueKind.Array => qos.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText()).ToArray(),
            _ => [],
        };
        var mask = 0;
        foreach (var level in levels)
        {
            mask |= level switch
            {
                "0" => 1,
                "1" => 2,
                "2" => 4,
                _ => throw new FormatException($"{where}: qos 0, 1, 2 or a list of them, not {qos.GetRawText()}"),
            };
        }

        return mask == 0 ? throw new FormatException($"{where}: qos 0, 1, 2 or a list of them, not {qos.GetRawText()}") : mask;
    }

    private static bool? Retain(JsonElement retain, string where) =>
        (retain.ValueKind == JsonValueKind.String ? retain.GetString() : retain.GetRawText()) switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            "all" or "null" => null,
            _ => throw new FormatException($"{where}: retain true, false or all, not {retain.GetRawText()}"),
        };

    private static ClientCondition ParseWho(JsonElement rule, string where)
    {
        var conditions = new List<ClientCondition>();
        foreach (var field in rule.EnumerateObject())
        {
            switch (field.Name)
            {
                case "username_re":
                    conditions.Add(new IdentityCondition(IdentityField.Username, null, Pattern(field.Value, where)));
                    break;
                case "clientid_re":
                    conditions.Add(new IdentityCondition(IdentityField.ClientId, null, Pattern(field.Value, where)));
                    break;
                case "ipaddr":
                    conditions.Add(new AddressCondition([Network(field.Value, where)]));
                    break;
                case "zone" or "zone_re" or "listener" or "listener_re":
                    throw new FormatException($"{where}: '{field.Name}' is not supported by this broker");
            }
        }

        return conditions.Count switch
        {
            0 => AnyClient.Instance,
            1 => conditions[0],
            _ => new CompoundCondition(all: true, conditions),
        };
    }

    private static Regex Pattern(JsonElement value, string where)
    {
        try
        {
            return value.GetString() is { Length: > 0 } text
                ? new Regex(text, RegexOptions.CultureInvariant, AclRuleCompiler.RegexTimeout)
                : throw new FormatException($"{where}: an empty regex");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new FormatException($"{where}: not a regex: {value.GetRawText()}");
        }
    }

    private static IPNetwork Network(JsonElement value, string where)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        if (IPNetwork.TryParse(text, out var network))
        {
            return network;
        }

        return IPAddress.TryParse(text, out var address) && text.Contains(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? '.' : ':', StringComparison.Ordinal)
            ? new IPNetwork(address, address.GetAddressBytes().Length * 8)
            : throw new FormatException($"{where}: ipaddr an address or CIDR, not {value.GetRawText()}");
    }

    private static TopicCondition[] ParseTopics(JsonElement topics, string where) =>
        topics.ValueKind == JsonValueKind.Array
            ? topics.EnumerateArray().Select(topic => Topic(topic, where)).ToArray()
            : throw new FormatException($"{where}: a list of topics, not {topics.GetRawText()}");

    private static TopicCondition Topic(JsonElement topic, string where) =>
        topic.ValueKind == JsonValueKind.String
            ? TopicConditionCompiler.Compile(topic.GetString()!, problem => new FormatException($"{where}: topic {topic.GetRawText()}: expected {problem}"))
            : throw new FormatException($"{where}: a topic string, not {topic.GetRawText()}");
}
