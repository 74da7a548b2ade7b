using System.ComponentModel;
using System.Globalization;

namespace Broker.Host.Configuration;

/// <summary>
/// Lets <c>ConfigurationBinder</c> and other TypeDescriptor users read a value written as text (<c>"256KB"</c>,
/// <c>"30s"</c>) as the <typeparamref name="T"/> that parses it, and write it back in the configuration syntax.
/// </summary>
public sealed class ParsableConverter<T> : TypeConverter
    where T : IParsable<T>
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? T.Parse(text, CultureInfo.InvariantCulture) : base.ConvertFrom(context, culture, value);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is T typed
            ? typed.ToString()
            : base.ConvertTo(context, culture, value, destinationType);
}
