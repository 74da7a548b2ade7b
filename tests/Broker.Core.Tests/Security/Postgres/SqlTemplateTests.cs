using Broker.Core.Security;
using Broker.Core.Security.Authentication.Postgres;
using Broker.Core.Security.Authorization.Postgres;
using Broker.Core.Security.Postgres;

namespace Broker.Core.Tests.Security.Postgres;

public sealed class SqlTemplateTests
{
    private static readonly CredentialPlaceholder[] All = Enum.GetValues<CredentialPlaceholder>();

    [Fact]
    public void Each_placeholder_becomes_the_next_bind_parameter_quoted_or_not()
    {
        var template = SqlTemplate.Parse("SELECT x FROM t WHERE a = ${username} AND b = \"${clientid}\" AND c = ${username}", All);

        Assert.Equal("SELECT x FROM t WHERE a = $1 AND b = $2 AND c = $3", template.Statement);
        Assert.Equal([CredentialPlaceholder.Username, CredentialPlaceholder.ClientId, CredentialPlaceholder.Username], template.Parameters);
    }

    [Fact]
    public void Dollar_escape_and_text_that_is_no_placeholder_stay_as_written()
    {
        var template = SqlTemplate.Parse("SELECT '${$}{username}', '$x', '${' FROM t WHERE a = ${peerhost}", All);

        Assert.Equal("SELECT '${username}', '$x', '${' FROM t WHERE a = $1", template.Statement);
        Assert.Equal([CredentialPlaceholder.PeerHost], template.Parameters);
    }

    [Theory]
    [InlineData("SELECT 1 WHERE z = ${zone}", "${zone}")]
    [InlineData("SELECT 1 WHERE p = ${peerport}", "${peerport}")]
    [InlineData("SELECT 1 WHERE a = ${client_attrs.group}", "${client_attrs.group}")]
    public void A_placeholder_it_cannot_fill_is_refused_when_configured(string query, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgresAuthenticator(new PostgresAuthenticatorSettings("Host=127.0.0.1") { Query = query }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_password_is_no_placeholder_of_authorization()
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgresAuthorizationSource(
            new PostgresAuthorizationSettings("Host=127.0.0.1") { Query = "SELECT permission, action, topic FROM mqtt_acl WHERE password = ${password}" }));

        Assert.Contains("${password}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_query_is_refused(string query) =>
        Assert.Throws<ArgumentException>(() => SqlTemplate.Parse(query, All));
}
