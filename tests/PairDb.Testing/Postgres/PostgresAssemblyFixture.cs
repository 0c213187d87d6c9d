using NUnit.Framework;

namespace PairDb.Testing;

/// <summary>
/// Derive a <c>[SetUpFixture]</c> from this in a test assembly (in its root namespace) so the shared
/// PostgreSQL server is stopped and removed once that assembly's tests are done.
/// </summary>
public abstract class PostgresAssemblyFixture
{
    [OneTimeTearDown]
    public Task StopSharedPostgresAsync() => SharedPostgres.StopAsync();
}
