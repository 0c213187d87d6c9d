using Microsoft.Extensions.Options;
using Npgsql;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Replication.Hints;

/// <summary>
/// The Npgsql data source the hint path uses directly: COPY for inserts and set-based updates for
/// replay are far cheaper than EF change tracking, and hints are the one place the data path
/// touches PostgreSQL.
/// </summary>
public sealed class HintDatabase : IAsyncDisposable
{
    public HintDatabase(IOptions<MetadataOptions> options)
    {
        DataSource = NpgsqlDataSource.Create(options.Value.ConnectionString);
    }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
