using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;

namespace PairDb.Hosting.Security;

/// <summary>
/// gRPC maps, next to each service's methods, endpoints that answer UNIMPLEMENTED for methods and services it does not
/// know. They serve no data, and a client of another version should learn that a method is missing rather than be
/// told it may not call it, so anyone may reach them; naming the policy keeps deny-by-default's check exhaustive.
/// </summary>
public static class UnimplementedGrpcMethods
{
    private const string DisplayNamePrefix = "gRPC - Unimplemented";

    /// <summary>Gives the UNIMPLEMENTED endpoints of the services mapped by <paramref name="builder"/> the anonymous policy.</summary>
    public static TBuilder AllowUnimplementedAnonymously<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.DisplayName?.StartsWith(DisplayNamePrefix, StringComparison.Ordinal) == true)
            {
                endpoint.Metadata.Add(new AuthorizeAttribute(PairDbPolicies.Anonymous));
            }
        });
        return builder;
    }
}
