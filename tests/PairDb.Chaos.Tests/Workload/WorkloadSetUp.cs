using PairDb.Testing;

namespace PairDb.Chaos.Tests.Workload;

/// <summary>Stops the shared PostgreSQL server the workload tests' clusters use after their last test.</summary>
[SetUpFixture]
public sealed class WorkloadSetUp : PostgresAssemblyFixture
{
}
