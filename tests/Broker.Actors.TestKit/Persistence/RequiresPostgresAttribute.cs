namespace Broker.Actors.TestKit.Persistence;

/// <summary>Marks a test class whose <see cref="StoreFactAttribute"/> tests need PostgreSQL (see <see cref="PostgresTestDatabase"/>).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresPostgresAttribute : Attribute;
