using System.Globalization;

namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// The spec's "units format" shared by durations and sizes: optional whitespace, a number,
/// optional whitespace, an optional unit made of letters. Durations may chain several
/// (<c>1h30m</c>), as EMQX allows.
/// </summary>
internal static class HoconUnits
{
    public static bool TryParse(string text, bool allowChain, Func<string, decimal?> unitValue, decimal defaultUnit, out decimal total)
    {
        total = 0;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
            return false;
        var terms = 0;
        var sawBareNumber = false;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] == '.'))
                numberLength++;
            if (numberLength == 0
                || !decimal.TryParse(span[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            span = span[numberLength..].TrimStart();

            var unitLength = 0;
            while (unitLength < span.Length && char.IsLetter(span[unitLength]))
                unitLength++;
            decimal multiplier;
            if (unitLength == 0)
            {
                multiplier = defaultUnit;
                sawBareNumber = true;
            }
            else if (unitValue(span[..unitLength].ToString()) is { } value)
            {
                multiplier = value;
            }
            else
            {
                return false;
            }
            span = span[unitLength..].TrimStart();

            try
            {
                total = checked(total + number * multiplier);
            }
            catch (OverflowException)
            {
                return false;
            }
            terms++;
        }
        // "1h30" is ambiguous; a bare number must stand alone.
        return terms == 1 || (allowChain && !sawBareNumber);
    }
}
