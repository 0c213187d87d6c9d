using Microsoft.EntityFrameworkCore.Design;

namespace PairDb.Coordinator.Data;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without starting the host. Generating a
/// migration never connects, so the connection string only has to parse.
/// </summary>
public sealed class DesignTimePairDbContextFactory : IDesignTimeDbContextFactory<PairDbContext>
{
    public PairDbContext CreateDbContext(string[] args) =>
        PairDbContext.Create(Environment.GetEnvironmentVariable("PAIRDB_POSTGRES") ?? "Host=127.0.0.1;Database=pairdb");
}
