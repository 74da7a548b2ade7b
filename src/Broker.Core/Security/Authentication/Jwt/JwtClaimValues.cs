using System.Globalization;
using System.Text.Json;

namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>How EMQX reads claim values that are not plain strings.</summary>
internal static class JwtClaimValues
{
    /// <summary><c>exp</c> and <c>nbf</c>: a JSON number, or a string holding one (EMQX converts those).</summary>
    public static bool TryNumber(JsonElement value, out double number)
    {
        number = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDouble(out number),
            JsonValueKind.String => double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number),
            _ => false,
        };
    }

    /// <summary>
    /// <c>is_superuser</c> as emqx_authn_utils:to_bool reads it: true, an integer of 1 or more, or a string "true" or
    /// of an integer of 1 or more; anything else is false.
    /// </summary>
    public static bool IsTrue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => value.TryGetInt64(out var n) && n >= 1,
        JsonValueKind.String => value.GetString() is "true"
            || (long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= 1),
        _ => false,
    };
}
