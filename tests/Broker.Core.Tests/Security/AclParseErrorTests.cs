using Broker.Core.Security.Authorization;

namespace Broker.Core.Tests.Security;

/// <summary>A file that is not an ACL is refused at the place it goes wrong, saying what was expected there.</summary>
public sealed class AclParseErrorTests
{
    [Theory]
    // the term syntax
    [InlineData("{allow, all}", 1, 13, "expected '.' to end the rule but found the end of the file")]
    [InlineData("{allow, all}\n{deny, all}.", 2, 1, "expected '.' to end the rule but found '{'")]
    [InlineData("{allow, all.", 1, 12, "expected ',' or '}' but found '.'")]
    [InlineData("{allow, all, publish, [\"a\" \"b\"]}.", 1, 28, "expected ',' or ']' but found '\"'")]
    [InlineData("{allow, \n  Who}.", 2, 3, "expected a term (atom, string, integer, tuple or list) but found 'W'")]
    [InlineData("{allow, all, publish, [\"a/#]}.", 1, 24, "expected the closing \" of the text that starts here but found the end of the file")]
    [InlineData("{allow, {username, {re, \"\\d+\"}}, publish, [\"a\"]}.", 1, 27, "expected one of the escapes")]
    [InlineData("{allow, all, {publish, [{qos, 99999999999999999999}]}, [\"a\"]}.", 1, 31, "expected an integer that fits in 64 bits")]
    // the rule shape
    [InlineData("allow.", 1, 1, "expected a rule {allow | deny, Who, Action, Topics} or {allow | deny, all} but found the atom 'allow'")]
    [InlineData("{allow, all, publish}.", 1, 1, "expected a rule")]
    [InlineData("{permit, all}.", 1, 2, "expected allow or deny but found the atom 'permit'")]
    [InlineData("{allow, everyone}.", 1, 9, "expected all (a rule of two elements is {allow | deny, all}) but found the atom 'everyone'")]
    // who
    [InlineData("{allow, {name, \"x\"}, publish, [\"a\"]}.", 1, 10, "expected a Who")]
    [InlineData("{allow, {username, x}, publish, [\"a\"]}.", 1, 20, "expected a string or {re, \"regex\"} but found the atom 'x'")]
    [InlineData("{allow, {username, {re, \"(\"}}, publish, [\"a\"]}.", 1, 25, "expected a valid regex")]
    [InlineData("{allow, {ipaddr, \"10.0.0\"}, publish, [\"a\"]}.", 1, 18, "expected an IPv4 or IPv6 address or CIDR")]
    [InlineData("{allow, {ipaddr, \"10.0.0.0/33\"}, publish, [\"a\"]}.", 1, 18, "expected a prefix length of 0 to 32 after '/'")]
    [InlineData("{allow, {ipaddr, \"fd00::/129\"}, publish, [\"a\"]}.", 1, 18, "expected a prefix length of 0 to 128 after '/'")]
    [InlineData("{allow, {ipaddrs, \"10.0.0.0/8\"}, publish, [\"a\"]}.", 1, 19, "expected a list of addresses")]
    [InlineData("{allow, {'and', [{username, \"u\"}, nobody]}, publish, [\"a\"]}.", 1, 35, "expected a Who")]
    [InlineData("{allow, {zone, \"default\"}, publish, [\"a\"]}.", 1, 10, "{zone, ...} is not")]
    [InlineData("{allow, {security_profile, legacy}}.", 1, 10, "{security_profile, ...} is not")]
    // action
    [InlineData("{allow, all, read, [\"a\"]}.", 1, 14, "expected an Action")]
    [InlineData("{allow, all, {publish, [{qos, 3}]}, [\"a\"]}.", 1, 31, "expected a QoS 0, 1 or 2")]
    [InlineData("{allow, all, {publish, [{qos, []}]}, [\"a\"]}.", 1, 31, "expected a QoS 0, 1 or 2, or a non-empty list of them")]
    [InlineData("{allow, all, {publish, [{retain, yes}]}, [\"a\"]}.", 1, 34, "expected true, false or all but found the atom 'yes'")]
    [InlineData("{allow, all, {subscribe, [{retain, true}]}, [\"a\"]}.", 1, 28, "a subscribe rule has no retain option")]
    [InlineData("{allow, all, {publish, [{dup, true}]}, [\"a\"]}.", 1, 25, "expected an option {qos, 0..2 | [0..2]} or {retain, true | false | all}")]
    // topics
    [InlineData("{allow, all, publish, \"a\"}.", 1, 23, "expected all or a list of topics but found the string \"a\"")]
    [InlineData("{allow, all, publish, []}.", 1, 23, "expected at least one topic")]
    [InlineData("{allow, all, publish, [\"a/#/b\"]}.", 1, 24, "expected a valid topic filter")]
    [InlineData("{allow, all, publish, [\"a+\"]}.", 1, 24, "expected a valid topic filter")]
    [InlineData("{allow, all, publish, [\"\"]}.", 1, 24, "expected a valid topic filter")]
    [InlineData("{allow, all, subscribe, [\"$share/g/a\"]}.", 1, 26, "without $share/ or $queue/")]
    [InlineData("{allow, all, publish, [\"u/${user}\"]}.", 1, 24, "(not ${user})")]
    [InlineData("{allow, all, publish, [\"u/${username\"]}.", 1, 24, "a placeholder closed by '}'")]
    [InlineData("{allow, all, publish, [{eq, \"\"}]}.", 1, 29, "a non-empty topic after eq")]
    [InlineData("{allow, all, publish, [a]}.", 1, 24, "expected a topic filter string or {eq, \"topic\"} but found the atom 'a'")]
    public void A_bad_rule_names_the_line_and_column_and_what_was_expected(string text, int line, int column, string problem)
    {
        var error = Assert.Throws<AclParseException>(() => AclFile.Parse(text, "rules.conf"));

        Assert.Equal("rules.conf", error.SourceName);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"rules.conf:{line}:{column}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_error_in_a_later_rule_is_reported_at_its_line_after_comments_and_strings_spanning_lines()
    {
        const string Text = """
            %% allow the dashboard
            {allow, {username, "dashboard"}, subscribe, ["$SYS/#"]}.

            {deny, all, subscribe, [
                "#",   % comment
                {eq, 5}
            ]}.
            """;

        var error = Assert.Throws<AclParseException>(() => AclFile.Parse(Text, "acl.conf"));

        Assert.Equal((6, 5), (error.Line, error.Column));
        Assert.Equal("expected a topic filter string or {eq, \"topic\"} but found a tuple of 2", error.Problem);
    }
}
