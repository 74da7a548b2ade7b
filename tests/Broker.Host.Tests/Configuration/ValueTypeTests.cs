using System.ComponentModel;
using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Tests.Configuration;

public class ValueTypeTests
{
    private sealed class Sample
    {
        public Duration Timeout { get; set; }

        public ByteSize Limit { get; set; }
    }

    [Fact]
    public void The_standard_configuration_binder_reads_durations_and_sizes_through_their_type_converters()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Timeout"] = "90s", ["Limit"] = "64KB" })
            .Build();
        var sample = configuration.Get<Sample>()!;
        Assert.Equal(Duration.FromSeconds(90), sample.Timeout);
        Assert.Equal(ByteSize.FromKilobytes(64), sample.Limit);
    }

    [Fact]
    public void Type_converters_round_trip()
    {
        var duration = TypeDescriptor.GetConverter(typeof(Duration));
        Assert.Equal(Duration.FromMinutes(5), duration.ConvertFromInvariantString("300s"));
        Assert.Equal("5m", duration.ConvertToInvariantString(Duration.FromMinutes(5)));
        var size = TypeDescriptor.GetConverter(typeof(ByteSize));
        Assert.Equal(ByteSize.FromMegabytes(1), size.ConvertFromInvariantString("1024KB"));
        Assert.Equal("1MB", size.ConvertToInvariantString(ByteSize.FromMegabytes(1)));
    }

    [Fact]
    public void Parse_failures_say_what_was_expected()
    {
        Assert.Equal("expected a duration like 30s, 5m or 100ms, got \"soon\"", Assert.Throws<FormatException>(() => Duration.Parse("soon")).Message);
        Assert.Equal("expected a size like 256KB or 1MB, got \"big\"", Assert.Throws<FormatException>(() => ByteSize.Parse("big")).Message);
    }

    [Fact]
    public void Values_compare_and_print_in_configuration_syntax()
    {
        Assert.True(Duration.FromSeconds(1) < Duration.FromMinutes(1));
        Assert.True(ByteSize.FromKilobytes(1) > new ByteSize(1000));
        Assert.Equal("2h", Duration.FromHours(2).ToString());
        Assert.Equal("1500ms", Duration.FromMilliseconds(1500).ToString());
        Assert.Equal("256KB", ByteSize.FromKilobytes(256).ToString());
        Assert.Equal("0B", new ByteSize(0).ToString());
    }
}
