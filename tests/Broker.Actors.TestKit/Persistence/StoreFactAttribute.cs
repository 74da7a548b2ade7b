using Xunit;
using Xunit.Sdk;

namespace Broker.Actors.TestKit.Persistence;

/// <summary>
/// A test of a store contract, written once in an abstract class and run by one subclass per store. The
/// subclass marked <see cref="RequiresPostgresAttribute"/> has its tests skipped, with the reason, when
/// PostgreSQL is not configured (never under CI=true); an attribute's Skip cannot see the class, hence the discoverer.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Broker.Actors.TestKit.Persistence.StoreFactDiscoverer", "Broker.Actors.TestKit")]
public sealed class StoreFactAttribute : FactAttribute;
