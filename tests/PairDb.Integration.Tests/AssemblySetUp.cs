using PairDb.Testing;

namespace PairDb.Integration.Tests;

/// <summary>Stops this assembly's shared PostgreSQL server after its last test.</summary>
[SetUpFixture]
public sealed class AssemblySetUp : PostgresAssemblyFixture
{
}
