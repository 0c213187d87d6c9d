using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PairDb.Coordinator.Data;
using PairDb.Testing;

namespace PairDb.Coordinator.Tests.Support;

/// <summary>A fresh database on the assembly's PostgreSQL with the metadata schema applied; disposing drops it.</summary>
internal sealed class MetadataDatabase : IAsyncDisposable
{
    private readonly PostgresDatabase _database;

    private MetadataDatabase(PostgresDatabase database)
    {
        _database = database;
    }

    public string ConnectionString => _database.ConnectionString;

    public static async Task<MetadataDatabase> CreateAsync(bool migrate = true)
    {
        var database = await SharedPostgres.CreateDatabaseAsync();
        if (migrate)
        {
            await MetadataMigrator.ApplyAsync(database.ConnectionString, NullLogger.Instance);
        }
        return new MetadataDatabase(database);
    }

    public PairDbContext CreateContext() => PairDbContext.Create(ConnectionString);

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Runs a statement and returns its rows as name/value maps.</summary>
    public async Task<List<Dictionary<string, object?>>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
