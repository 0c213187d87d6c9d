using Microsoft.AspNetCore.Authorization;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Security;

/// <summary>
/// TEMPORARY, for the api-keys branch alone: the admin routes name <see cref="PairDbPolicies.Operator"/>,
/// and ASP.NET refuses to serve an endpoint whose policy does not exist. Until the authorization work
/// (issue 14) registers the real policies and authentication handler, this defines the policy as
/// "anyone" — which is what insecure mode means — and only when no policy of that name was registered.
/// Delete this file and its call when that work is merged.
/// </summary>
internal static class OperatorPolicyPlaceholder
{
    public static void AddIfMissing(IServiceCollection services)
    {
        services.AddAuthorization();
        services.PostConfigure<AuthorizationOptions>(options =>
        {
            if (options.GetPolicy(PairDbPolicies.Operator) is null)
            {
                options.AddPolicy(PairDbPolicies.Operator, policy => policy.RequireAssertion(_ => true));
            }
        });
    }
}
