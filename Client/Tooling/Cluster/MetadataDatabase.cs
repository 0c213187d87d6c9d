using Npgsql;

namespace PairDb.Client.Tooling.Cluster;

/// <summary>Creates the metadata database on a fresh server; the coordinator's --migrate creates its tables.</summary>
public static class MetadataDatabase
{
    public const string Name = "pairdb";

    /// <summary>Creates <see cref="Name"/> unless it exists; returns the connection string of it.</summary>
    public static async Task<string> EnsureAsync(string serverConnectionString, CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(serverConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", Name);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                // CREATE DATABASE takes no parameters; the name is a constant.
                await using var create = new NpgsqlCommand($"CREATE DATABASE {Name}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        return new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = Name }.ConnectionString;
    }
}
