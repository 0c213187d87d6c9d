using PairDb.Testing;

namespace PairDb.Coordinator.Tests;

/// <summary>Stops this assembly's shared PostgreSQL server after its last test.</summary>
[SetUpFixture]
public sealed class AssemblySetUp : PostgresAssemblyFixture
{
}
