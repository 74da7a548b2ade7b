namespace Broker.Actors.TestKit.Persistence;

/// <summary>
/// The PostgreSQL server the tests use, named by BROKER_TEST_POSTGRES. Missing, its tests are skipped with
/// the reason shown, except under CI=true, where they run and fail: CI must not pass by skipping them.
/// </summary>
public static class PostgresTestDatabase
{
    public const string Variable = "BROKER_TEST_POSTGRES";

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? SkipReason => ConnectionString is null && !InCi
        ? $"PostgreSQL is not configured: run `export {Variable}=$(.ci/start-postgres | tail -n 1)` "
          + "(installs and starts Debian's postgresql on 127.0.0.1), or set it to a connection string such as "
          + "Host=127.0.0.1;Port=5432;Username=broker;Password=broker;Database=broker_test"
        : null;

    public static string RequireConnectionString() => ConnectionString ?? throw new InvalidOperationException(
        $"{Variable} is not set: under CI=true the PostgreSQL tests must run (.ci/run starts PostgreSQL with .ci/start-postgres).");
}
