using System.Globalization;
using System.Text;
using System.Text.Json;
using Broker.Core.Security.Authentication.Jwt;

namespace Broker.Core.Security.Authorization.Postgres;

/// <summary>
/// Reads a row of the authorization query as EMQX does (<c>emqx_authz_utils:authorize_with_row</c>): a map from
/// column name to value, which is EMQX's raw rule, the format a JWT's <c>acl</c> claim also uses; so the row goes
/// through the same parser, as JSON. Columns it does not know (<c>username</c>, <c>id</c>...) are left out.
/// </summary>
internal static class PostgresAclRow
{
    /// <summary>
    /// A rule that does not read denies whatever reaches it, as EMQX answers a bad row with its backend-failure
    /// result (deny unless <c>ignore_backend_failures</c>); rows before it still decide what they match.
    /// </summary>
    public static AclRule Parse(IReadOnlyDictionary<string, object?> row, int number, out string? problem)
    {
        problem = null;
        try
        {
            using var json = JsonDocument.Parse(ToJson(row));
            return JwtAclParser.ParseRule(json.RootElement, $"row {number}", number);
        }
        catch (FormatException e)
        {
            problem = e.Message;
            return new AclRule(AclDecision.Deny, AnyClient.Instance, ActionCondition.All, [AnyTopic.Instance], number);
        }
    }

    private static byte[] ToJson(IReadOnlyDictionary<string, object?> row)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in row)
            {
                writer.WritePropertyName(name);
                Write(writer, value);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case short or int or long or decimal:
                writer.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                break;
            case byte[] bytes:
                writer.WriteStringValue(Encoding.UTF8.GetString(bytes));
                break;
            case System.Collections.IEnumerable items:
                // An array column: topics text[], qos int[].
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
