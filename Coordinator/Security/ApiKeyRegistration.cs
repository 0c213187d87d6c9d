using Microsoft.Extensions.Options;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Security;

/// <summary>Tenant API keys in the coordinator's container: the store, the verifier the authentication handler asks, its refresher.</summary>
public static class ApiKeyRegistration
{
    public static IServiceCollection AddTenantApiKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, ApiKeyRefreshIntervalValidator>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiKeyVerifier>();
        services.AddSingleton<ITenantKeyVerifier>(provider => provider.GetRequiredService<ApiKeyVerifier>());
        services.AddHostedService<ApiKeyRefresher>();
        return services;
    }
}

/// <summary>A zero or negative refresh interval would stop revocations from ever reaching this coordinator.</summary>
public sealed class ApiKeyRefreshIntervalValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options) =>
        options.ApiKeyRefreshInterval > TimeSpan.Zero && options.ApiKeyRefreshInterval <= TimeSpan.FromMinutes(1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{SecurityOptions.Section}:{nameof(SecurityOptions.ApiKeyRefreshInterval)} must be in (0, 00:01:00] (got {options.ApiKeyRefreshInterval}): revocation takes effect within it");
}
