using Broker.Actors.TestKit.Persistence;

namespace Broker.Core.Tests.Security.Postgres;

/// <summary>
/// A test that needs the PostgreSQL server of BROKER_TEST_POSTGRES: skipped with the reason when it is not set,
/// except under CI=true, where the test runs and fails (CI must not pass by skipping it).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        Skip = PostgresTestDatabase.SkipReason;
    }
}

/// <summary>As <see cref="PostgresFactAttribute"/>, for a theory.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        Skip = PostgresTestDatabase.SkipReason;
    }
}
