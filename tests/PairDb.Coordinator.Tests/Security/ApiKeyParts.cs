using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Security;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Tests.Security;

/// <summary>A store and verifier on one database, as one coordinator has them; several model several coordinators.</summary>
internal sealed class ApiKeyParts : IAsyncDisposable
{
    private readonly ApiKeyRefresher? _refresher;

    private ApiKeyParts(ApiKeyStore store, ApiKeyVerifier verifier, ApiKeyRefresher? refresher, MetadataAvailability availability)
    {
        Store = store;
        Verifier = verifier;
        Availability = availability;
        _refresher = refresher;
    }

    public ApiKeyStore Store { get; }

    public ApiKeyVerifier Verifier { get; }

    /// <summary>What the coordinator's metadata probe would say; tests report failures and successes by hand.</summary>
    public MetadataAvailability Availability { get; }

    /// <summary>Builds the parts; with <paramref name="refreshing"/> the background refresher runs until disposal.</summary>
    public static async Task<ApiKeyParts> StartAsync(string connectionString, TimeProvider time, TimeSpan refreshInterval, bool refreshing = false)
    {
        var options = (DbContextOptions<PairDbContext>)PairDbContext.Configure(new DbContextOptionsBuilder<PairDbContext>(), connectionString).Options;
        var store = new ApiKeyStore(new PooledDbContextFactory<PairDbContext>(options), time, NullLogger<ApiKeyStore>.Instance);
        var security = Microsoft.Extensions.Options.Options.Create(new SecurityOptions { ApiKeyRefreshInterval = refreshInterval });
        var availability = new MetadataAvailability(time, NullLogger<MetadataAvailability>.Instance);
        var verifier = new ApiKeyVerifier(store, time, security, availability);
        ApiKeyRefresher? refresher = null;
        if (refreshing)
        {
            refresher = new ApiKeyRefresher(verifier, time, security, NullLogger<ApiKeyRefresher>.Instance);
            await refresher.StartAsync(CancellationToken.None);
        }
        return new ApiKeyParts(store, verifier, refresher, availability);
    }

    public ValueTask<TenantKeyMatch?> VerifyAsync(string key) => Verifier.VerifyAsync(key, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_refresher is not null)
        {
            await _refresher.StopAsync(CancellationToken.None);
            _refresher.Dispose();
        }
        Verifier.Dispose();
    }
}
