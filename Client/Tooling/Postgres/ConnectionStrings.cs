using Npgsql;

namespace PairDb.Client.Tooling;

/// <summary>Connection strings as they may be shown: on screens, in JSON output and logs.</summary>
public static class ConnectionStrings
{
    public const string Hidden = "***";

    /// <summary>
    /// <paramref name="connectionString"/> with its password replaced by <see cref="Hidden"/>; one that
    /// does not parse is not shown at all (it might be a password pasted in the wrong place).
    /// </summary>
    public static string Redact(string connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return connectionString;
        }
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password))
            {
                builder.Password = Hidden;
            }
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(not shown: not a valid connection string)";
        }
    }
}
