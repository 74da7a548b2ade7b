using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Broker.Mqtt.Topics;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// Turns the terms of an <c>acl.conf</c> into rules, following EMQX 5's <c>emqx_authz_rule:compile/1</c>:
/// <code>
/// rule   = {allow | deny, Who, Action, Topics} | {allow | deny, all}
/// Who    = all | {username | user, Str | {re, Regex}} | {clientid | client, Str | {re, Regex}}
///        | {ipaddr, Cidr} | {ipaddrs, [Cidr]} | {'and', [Who]} | {'or', [Who]}
/// Action = publish | subscribe | all | {publish | all, [{qos, Q | [Q]} | {retain, true | false | all}]}
///        | {subscribe, [{qos, Q | [Q]}]}
/// Topics = all | [Filter | {eq, Str} | "eq " ++ Str]
/// </code>
/// EMQX's other conditions (client_attr, zone, listener, security_profile) name things this broker does not have: a
/// rule with one is an error rather than a rule that never matches. A term that does not fit is reported at its
/// position, with what was expected there.
/// </summary>
internal sealed class AclRuleCompiler(string sourceName)
{
    /// <summary>Erlang's <c>re</c> has no time limit; a rule's regex runs on the connection's thread, so it gets one.</summary>
    internal static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private const string RuleShape = "a rule {allow | deny, Who, Action, Topics} or {allow | deny, all}";

    public AclRule Compile(ErlangTerm term)
    {
        if (term is not ErlangTuple { Elements: var elements } || elements.Count is not (2 or 4))
        {
            throw Error(term, RuleShape);
        }

        var permission = elements[0] switch
        {
            ErlangAtom { Name: "allow" } => AclDecision.Allow,
            ErlangAtom { Name: "deny" } => AclDecision.Deny,
            var other => throw Error(other, "allow or deny"),
        };

        if (elements.Count == 2)
        {
            if (elements[1] is not ErlangAtom { Name: "all" })
            {
                throw Unsupported(elements[1]) ?? Error(elements[1], "all (a rule of two elements is {allow | deny, all})");
            }

            return new AclRule(permission, AnyClient.Instance, ActionCondition.All, [AnyTopic.Instance], term.Line);
        }

        return new AclRule(permission, CompileWho(elements[1]), CompileAction(elements[2]), CompileTopics(elements[3]), term.Line);
    }

    private ClientCondition CompileWho(ErlangTerm term)
    {
        if (term is ErlangAtom { Name: "all" })
        {
            return AnyClient.Instance;
        }

        if (Unsupported(term) is { } unsupported)
        {
            throw unsupported;
        }

        const string WhoShape = "a Who: all, {username, ...}, {clientid, ...}, {ipaddr, ...}, {ipaddrs, [...]}, {'and', [...]} or {'or', [...]}";
        if (term is not ErlangTuple { Elements: [ErlangAtom tag, var value] })
        {
            throw Error(term, WhoShape);
        }

        return tag.Name switch
        {
            "username" or "user" => CompileIdentity(IdentityField.Username, value),
            "clientid" or "client" => CompileIdentity(IdentityField.ClientId, value),
            "ipaddr" => new AddressCondition([CompileNetwork(value)]),
            "ipaddrs" => new AddressCondition(ListOf(value, "a list of addresses").Select(CompileNetwork).ToArray()),
            "and" => new CompoundCondition(all: true, ListOf(value, "a list of Who").Select(CompileWho).ToArray()),
            "or" => new CompoundCondition(all: false, ListOf(value, "a list of Who").Select(CompileWho).ToArray()),
            _ => throw Error(tag, WhoShape),
        };
    }

    private IdentityCondition CompileIdentity(IdentityField field, ErlangTerm value) => value switch
    {
        ErlangString text => new IdentityCondition(field, text.Value, null),
        ErlangTuple { Elements: [ErlangAtom { Name: "re" }, ErlangString pattern] } => new IdentityCondition(field, null, CompileRegex(pattern)),
        _ => throw Error(value, "a string or {re, \"regex\"}"),
    };

    private Regex CompileRegex(ErlangString pattern)
    {
        try
        {
            return new Regex(pattern.Value, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw new AclParseException(sourceName, pattern.Line, pattern.Column, $"expected a valid regex: {e.Message}");
        }
    }

    /// <summary>An address or a CIDR; host bits in a CIDR are cleared, as esockd_cidr:parse(_, true) does.</summary>
    private IPNetwork CompileNetwork(ErlangTerm term)
    {
        const string Expected = "an IPv4 or IPv6 address or CIDR such as \"10.0.0.0/8\" or \"fd00::/8\"";
        if (term is not ErlangString { Value: var text })
        {
            throw Error(term, Expected);
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IsAddressSyntax(addressText) || !IPAddress.TryParse(addressText, out var address))
        {
            throw Error(term, Expected);
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            throw Error(term, $"a prefix length of 0 to {bits} after '/'");
        }

        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bits; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPNetwork(new IPAddress(bytes), prefix);
    }

    /// <summary>IPAddress.TryParse also takes "10" and "10.1" (as 0.0.0.10 and 10.0.0.1): a rule means four parts.</summary>
    private static bool IsAddressSyntax(string text) =>
        text.Contains(':', StringComparison.Ordinal) || (text.Count(c => c == '.') == 3 && text.All(c => c == '.' || char.IsAsciiDigit(c)));

    private ActionCondition CompileAction(ErlangTerm term)
    {
        const string Expected = "an Action: publish, subscribe, all, or {publish | subscribe | all, [{qos, ...}, {retain, ...}]}";
        var (name, options) = term switch
        {
            ErlangAtom atom => (atom, null),
            ErlangTuple { Elements: [ErlangAtom atom, var opts] } => (atom, ListOf(opts, "a list of options [{qos, ...}, {retain, ...}]")),
            _ => throw Error(term, Expected),
        };

        var (publish, subscribe) = name.Name switch
        {
            "publish" => (true, false),
            "subscribe" => (false, true),
            "all" => (true, true),
            _ => throw Error(name, Expected),
        };

        var qosMask = 0;
        bool? retain = null;
        foreach (var option in options ?? [])
        {
            switch (option)
            {
                case ErlangTuple { Elements: [ErlangAtom { Name: "qos" }, var qos] }:
                    qosMask |= CompileQos(qos);
                    break;
                case ErlangTuple { Elements: [ErlangAtom { Name: "retain" } retainTag, var flag] }:
                    if (!publish)
                    {
                        throw Error(retainTag, "{qos, ...}: a subscribe rule has no retain option");
                    }

                    retain = flag switch
                    {
                        ErlangAtom { Name: "true" } => true,
                        ErlangAtom { Name: "false" } => false,
                        ErlangAtom { Name: "all" } => null,
                        _ => throw Error(flag, "true, false or all"),
                    };
                    break;
                default:
                    throw Error(option, "an option {qos, 0..2 | [0..2]} or {retain, true | false | all}");
            }
        }

        return new ActionCondition(publish, subscribe, qosMask == 0 ? ActionCondition.AnyQos : qosMask, retain);
    }

    private int CompileQos(ErlangTerm term)
    {
        return term switch
        {
            ErlangInteger integer => Bit(integer),
            ErlangList { Elements: var list } when list.Count > 0 => list.Aggregate(0, (mask, qos) => mask | Bit(qos)),
            _ => throw Error(term, "a QoS 0, 1 or 2, or a non-empty list of them"),
        };

        int Bit(ErlangTerm qos) => qos is ErlangInteger { Value: >= 0 and <= 2 } value
            ? 1 << (int)value.Value
            : throw Error(qos, "a QoS 0, 1 or 2");
    }

    private TopicCondition[] CompileTopics(ErlangTerm term)
    {
        if (term is ErlangAtom { Name: "all" })
        {
            return [AnyTopic.Instance];
        }

        var topics = ListOf(term, "all or a list of topics");
        if (topics.Count == 0)
        {
            throw Error(term, "at least one topic (a rule with none never matches)");
        }

        return topics.Select(CompileTopic).ToArray();
    }

    private TopicCondition CompileTopic(ErlangTerm term)
    {
        switch (term)
        {
            case ErlangTuple { Elements: [ErlangAtom { Name: "eq" }, ErlangString literal] }:
                return Exact(literal, literal.Value);
            case ErlangString text:
                return TopicConditionCompiler.Compile(text.Value, problem => Error(text, problem));
            default:
                throw Error(term, "a topic filter string or {eq, \"topic\"}");
        }
    }

    private ExactTopic Exact(ErlangTerm at, string literal) =>
        literal.Length > 0 ? new ExactTopic(literal) : throw Error(at, "a non-empty topic after eq");

    private IReadOnlyList<ErlangTerm> ListOf(ErlangTerm term, string expected) =>
        term is ErlangList list ? list.Elements : throw Error(term, expected);

    /// <summary>EMQX's conditions that this broker has nothing to match against.</summary>
    private AclParseException? Unsupported(ErlangTerm term) =>
        term is ErlangTuple { Elements: [ErlangAtom { Name: "client_attr" or "zone" or "listener" or "security_profile" } tag, ..] }
            ? new AclParseException(sourceName, tag.Line, tag.Column, $"a condition this broker supports, but {{{tag.Name}, ...}} is not (use all, username, clientid, ipaddr, ipaddrs, 'and' or 'or')")
            : null;

    private AclParseException Error(ErlangTerm at, string expected) =>
        new(sourceName, at.Line, at.Column, $"expected {expected} but found {at.Describe()}");
}
