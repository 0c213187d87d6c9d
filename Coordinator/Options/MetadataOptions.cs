using Microsoft.Extensions.Options;
using Npgsql;

namespace PairDb.Coordinator.Options;

/// <summary>
/// The metadata database. <c>ConnectionStrings:Metadata</c>, or else the <c>PAIRDB_POSTGRES</c>
/// environment variable. No default: a coordinator without its metadata cannot place a key.
/// </summary>
public sealed class MetadataOptions
{
    public const string ConnectionStringName = "Metadata";
    public const string EnvironmentVariable = "PAIRDB_POSTGRES";

    public string ConnectionString { get; set; } = "";

    /// <summary>The connection string as configured: <c>ConnectionStrings:Metadata</c>, else <c>PAIRDB_POSTGRES</c>, else empty.</summary>
    public static string Resolve(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) ?? Environment.GetEnvironmentVariable(EnvironmentVariable) ?? "";

    /// <summary>The connection string with its password hidden, for logs.</summary>
    public string Redacted()
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            if (!string.IsNullOrEmpty(builder.Password))
            {
                builder.Password = "***";
            }
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(unparsable)";
        }
    }
}

public sealed class MetadataOptionsValidator : IValidateOptions<MetadataOptions>
{
    public ValidateOptionsResult Validate(string? name, MetadataOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                $"ConnectionStrings:{MetadataOptions.ConnectionStringName} is not set (nor {MetadataOptions.EnvironmentVariable})");
        }
        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail($"ConnectionStrings:{MetadataOptions.ConnectionStringName} does not parse: {e.Message}");
        }
        return ValidateOptionsResult.Success;
    }
}
