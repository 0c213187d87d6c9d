using System.IO.Hashing;
using System.Text;
using Npgsql;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// The PostgreSQL session advisory lock of one change, held on its own connection for a whole run:
/// whichever coordinator holds it drives the change, the others see it taken and leave. If the
/// process dies, PostgreSQL drops the session and the lock with it, so another run can take over.
/// </summary>
public sealed class ChangeLock : IAsyncDisposable
{
    /// <summary>First key of the two-key form, "pdch": keeps change locks apart from other advisory locks.</summary>
    private const int Namespace = 0x70646368;

    /// <summary>Second key of the planning lock (a change id's hash could equal it only by a 2^-32 accident, which costs a short wait).</summary>
    private const int PlanningKey = 0;

    private readonly NpgsqlConnection _connection;
    private readonly int _key;

    private ChangeLock(NpgsqlConnection connection, int key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>The lock, or null when another session holds it.</summary>
    public static async Task<ChangeLock?> TryAcquireAsync(NpgsqlDataSource unpooled, string changeId, CancellationToken cancellationToken)
    {
        var key = KeyOf(changeId);
        var connection = await unpooled.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Namespace });
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new ChangeLock(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>
    /// Serializes the decision to start a change across coordinators: whether it overlaps another is
    /// judged and recorded while this is held, so two overlapping changes cannot both start.
    /// </summary>
    public async Task<IAsyncDisposable> LockPlanningAsync(CancellationToken cancellationToken)
    {
        await RunAsync("SELECT pg_advisory_lock($1, $2)", PlanningKey, cancellationToken);
        return new PlanningLock(this);
    }

    /// <summary>Throws when the session (and so the lock) is lost: the run must stop, another may have started.</summary>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1", _connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1, $2)", _connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Namespace });
            command.Parameters.Add(new NpgsqlParameter { Value = _key });
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Closing the unpooled connection below ends the session, which releases the lock anyway.
        }
        await _connection.DisposeAsync();
    }

    internal async ValueTask UnlockPlanningAsync() =>
        await RunAsync("SELECT pg_advisory_unlock($1, $2)", PlanningKey, CancellationToken.None);

    private async Task RunAsync(string sql, int key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Namespace });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await command.ExecuteScalarAsync(cancellationToken);
    }

    internal static int KeyOf(string changeId) => (int)XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(changeId));
}

/// <summary>Releases the planning lock; the session outlives it.</summary>
file sealed class PlanningLock(ChangeLock owner) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => owner.UnlockPlanningAsync();
}
