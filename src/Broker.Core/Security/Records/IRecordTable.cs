namespace Broker.Core.Security.Records;

/// <summary>A table in memory that the <see cref="SecurityStore"/> keeps in step with its records of <see cref="Kind"/>.</summary>
public interface IRecordTable
{
    string Kind { get; }

    /// <summary>Makes the entry of <paramref name="key"/> what <paramref name="value"/> says; null removes it.</summary>
    /// <exception cref="FormatException">The value is not one of this table's (a file edited by hand, a newer node's format).</exception>
    void Apply(string key, string? value);

    /// <summary>Whether the entry has ended by itself (a ban past its end) and its record can go.</summary>
    bool IsExpired(string value, DateTimeOffset now);
}
