using Npgsql;

namespace PairDb.Coordinator.Tests.Support;

/// <summary>
/// Runs one statement inside a transaction that is always rolled back, so that the runbook's
/// UPDATE and DELETE commands can be executed as printed without changing the shared seed data.
/// </summary>
internal sealed class RolledBackStatement : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    public RolledBackStatement(string connectionString)
    {
        _connection = new NpgsqlConnection(connectionString);
    }

    /// <summary>Executes <paramref name="sql"/> and returns the affected row count (-1 for SELECT).</summary>
    public async Task<int> RunAsync(string sql)
    {
        await _connection.OpenAsync();
        await using var transaction = await _connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, _connection, transaction);
        var affected = await command.ExecuteNonQueryAsync();
        await transaction.RollbackAsync();
        return affected;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
