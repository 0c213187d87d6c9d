using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PairDb.Hosting.Security;

/// <summary>Registers the security of a host: its resolved mode, the authentication handler, the policies and the refusals.</summary>
public static class SecurityServices
{
    /// <summary>The command-line switch that opts out of TLS and authentication on a non-loopback address.</summary>
    public const string InsecureSwitch = "--insecure";

    /// <summary><paramref name="args"/> with <c>--insecure</c> spelled as the configuration key it stands for.</summary>
    public static string[] MapInsecureSwitch(string[] args) =>
        Array.ConvertAll(args, a => a == InsecureSwitch ? $"--{SecurityOptions.Section}:{nameof(SecurityOptions.Insecure)}=true" : a);

    /// <summary>The <see cref="SecurityOptions"/> of <paramref name="configuration"/>.</summary>
    public static SecurityOptions ReadOptions(IConfiguration configuration) =>
        configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();

    /// <summary>
    /// Authentication (one scheme, <see cref="PairDbAuthenticationHandler"/>) and authorization with the policies of
    /// <see cref="PairDbPolicies"/>; every endpoint without a policy is refused (fallback policy denies).
    /// </summary>
    public static IServiceCollection AddPairDbSecurity(this IServiceCollection services, HostSecurity security, HttpErrorWriter writeHttpError)
    {
        services.AddSingleton(security);
        services.AddSingleton(writeHttpError);
        services.AddAuthentication(PairDbAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, PairDbAuthenticationHandler>(PairDbAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(PairDbPolicies.Tenant, p => p.RequireRole(PairDbRoles.Tenant))
            .AddPolicy(PairDbPolicies.Operator, p => p.RequireRole(PairDbRoles.Operator))
            .AddPolicy(PairDbPolicies.Member, p => p.RequireRole(PairDbRoles.Member))
            .AddPolicy(PairDbPolicies.OperatorOrMember, p => p.RequireRole(PairDbRoles.Operator, PairDbRoles.Member))
            .AddPolicy(PairDbPolicies.Anonymous, p => p.RequireAssertion(_ => true))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAssertion(_ => false).Build());
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuthorizationRefusals>();
        return services;
    }
}
