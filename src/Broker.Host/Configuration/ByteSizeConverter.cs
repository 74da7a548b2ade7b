using System.ComponentModel;
using System.Globalization;

namespace Broker.Host.Configuration;

/// <summary>Lets <c>ConfigurationBinder</c> and other TypeDescriptor users read <c>"256KB"</c> as a <see cref="ByteSize"/>.</summary>
public sealed class ByteSizeConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? ByteSize.Parse(text) : base.ConvertFrom(context, culture, value);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is ByteSize size
            ? size.ToString()
            : base.ConvertTo(context, culture, value, destinationType);
}
