using Npgsql;

namespace PairDb.Coordinator.Data;

/// <summary>Tells "PostgreSQL cannot be reached" apart from "PostgreSQL answered with an error".</summary>
public static class MetadataFailures
{
    /// <summary>
    /// A connect failure, a broken connection or a timeout: the database is away or too slow, and a snapshot may stand
    /// in for it. A <see cref="PostgresException"/> (the server answered: missing table, bad password, constraint) is
    /// not: it needs an operator, not patience.
    /// </summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        PostgresException e => IsServerGoingAway(e.SqlState),
        NpgsqlException => true,
        TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException or IOException => true,
        Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: { } inner } => IsUnreachable(inner),
        InvalidOperationException { InnerException: { } inner } => IsUnreachable(inner),
        _ => false,
    };

    // Shutting down or starting up: "57P01 admin_shutdown", "57P03 cannot_connect_now", "57P02 crash_shutdown".
    private static bool IsServerGoingAway(string sqlState) => sqlState is "57P01" or "57P02" or "57P03";
}
