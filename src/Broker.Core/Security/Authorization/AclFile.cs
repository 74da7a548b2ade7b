using System.Text.RegularExpressions;
using Broker.Mqtt;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// The rules of an EMQX 5 <c>acl.conf</c> (<c>authorization.sources = [{type = file, path = ...}]</c>), asked in
/// file order: the first rule whose action, client and topic all match decides. The grammar is in
/// <see cref="AclRuleCompiler"/>. Immutable once read, so one instance serves every connection.
/// </summary>
public sealed class AclFile : IAuthorizationSource
{
    private readonly AclRule[] _rules;

    private AclFile(string sourceName, AclRule[] rules)
    {
        SourceName = sourceName;
        _rules = rules;
    }

    /// <summary>The file's path, or the name it was parsed under.</summary>
    public string SourceName { get; }

    public int RuleCount => _rules.Length;

    internal IReadOnlyList<AclRule> Rules => _rules;

    /// <exception cref="AclParseException">The text is not a sequence of terms, or a term is not a rule.</exception>
    public static AclFile Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var compiler = new AclRuleCompiler(sourceName);
        var rules = ErlangTermReader.ReadAll(text, sourceName).Select(compiler.Compile).ToArray();
        return new AclFile(sourceName, rules);
    }

    /// <summary>
    /// The rules whose client condition this client meets, in order. A condition that cannot be evaluated (a regex
    /// past its time limit) keeps its rule, which then denies as <see cref="Check"/> says.
    /// </summary>
    public IAuthorizationSource For(ClientInfo client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var kept = _rules.Where(rule => AppliesTo(rule, client)).ToArray();
        return kept.Length == _rules.Length ? this : new AclFile(SourceName, kept);
    }

    private static bool AppliesTo(AclRule rule, ClientInfo client)
    {
        try
        {
            return rule.Who.Matches(client);
        }
        catch (RegexMatchTimeoutException)
        {
            return true;
        }
    }

    /// <exception cref="AclParseException">As <see cref="Parse"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static AclFile Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>The first rule that matches decides (<see cref="AclRules.FirstMatch"/>).</summary>
    public AclDecision Check(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain) =>
        AclRules.FirstMatch(_rules, client, action, topic, qos, retain);
}
