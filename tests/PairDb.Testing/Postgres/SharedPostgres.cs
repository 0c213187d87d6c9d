using NUnit.Framework;

namespace PairDb.Testing;

/// <summary>
/// One <see cref="PostgresServer"/> per test assembly, started on first use. A test assembly that
/// uses it declares a <c>[SetUpFixture]</c> deriving from <see cref="PostgresAssemblyFixture"/> so
/// the server stops when the assembly's tests end.
/// </summary>
public static class SharedPostgres
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresServer? _server;

    static SharedPostgres()
    {
        // Last resort if the runner exits without running the SetUpFixture's teardown:
        // a throwaway server must not outlive the test process.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAsync().GetAwaiter().GetResult();
    }

    /// <summary>The assembly's server, starting it if this is the first call.</summary>
    public static async Task<PostgresServer> GetAsync(CancellationToken cancellationToken = default)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (_server is null)
            {
                _server = await PostgresServer.StartAsync(cancellationToken);
                await TestContext.Progress.WriteLineAsync($"PostgreSQL for tests: {_server.Source}");
            }
            return _server;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A fresh database on the assembly's server; dispose it to drop it.</summary>
    public static async Task<PostgresDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var server = await GetAsync(cancellationToken);
        return await server.CreateDatabaseAsync(cancellationToken: cancellationToken);
    }

    public static async Task StopAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
                _server = null;
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}
