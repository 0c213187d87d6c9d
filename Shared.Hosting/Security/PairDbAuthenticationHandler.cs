using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PairDb.Hosting.Security;

/// <summary>
/// The one way a caller gets an identity, on both hosts (security contract "Identities"): a client certificate of
/// the cluster CA makes a <see cref="PairDbRoles.Member"/> (Kestrel already refused any other certificate during the
/// handshake); <c>authorization: Bearer</c> with the operator token makes an <see cref="PairDbRoles.Operator"/>, with a
/// tenant API key (when the host has an <see cref="ITenantKeyVerifier"/>) a <see cref="PairDbRoles.Tenant"/> holding
/// the <see cref="PairDbRoles.TenantClaim"/>. A bearer credential that is neither fails authentication (1010) rather
/// than being ignored. Insecure hosts authenticate nobody: every caller has every role and no tenant claim.
/// </summary>
public sealed class PairDbAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    HostSecurity security,
    IEnumerable<ITenantKeyVerifier> tenantKeys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PairDb";

    private const string BearerPrefix = "Bearer ";

    private static readonly AuthenticationTicket Everyone = new(
        new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Role, PairDbRoles.Member), new Claim(ClaimTypes.Role, PairDbRoles.Operator), new Claim(ClaimTypes.Role, PairDbRoles.Tenant)],
            CallerIdentity.InsecureAuthenticationType, ClaimTypes.Name, ClaimTypes.Role)),
        SchemeName);

    private readonly ITenantKeyVerifier? _tenantKeys = tenantKeys.FirstOrDefault();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!security.IsSecure)
        {
            return AuthenticateResult.Success(Everyone);
        }

        var claims = new List<Claim>();
        if (Context.Connection.ClientCertificate is { } certificate)
        {
            claims.Add(new Claim(ClaimTypes.Role, PairDbRoles.Member));
            claims.Add(new Claim(ClaimTypes.Name, certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false)));
        }

        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            {
                return AuthenticateResult.Fail("the authorization header is not a bearer credential");
            }

            var presented = authorization[BearerPrefix.Length..].Trim();
            if (security.IsOperatorToken(presented))
            {
                claims.Add(new Claim(ClaimTypes.Role, PairDbRoles.Operator));
            }
            else if (_tenantKeys is not null && await _tenantKeys.VerifyAsync(presented, Context.RequestAborted) is { } match)
            {
                claims.Add(new Claim(ClaimTypes.Role, PairDbRoles.Tenant));
                claims.Add(new Claim(PairDbRoles.TenantClaim, match.Tenant));
                claims.Add(new Claim("pairdb:key_id", match.KeyId));
            }
            else
            {
                return AuthenticateResult.Fail("the bearer credential is not valid (unknown, expired or revoked)");
            }
        }

        if (claims.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var identity = new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
