using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using PairDb.Contracts.Errors;

namespace PairDb.Hosting.Security;

/// <summary>Writes a host's admin API error body (each host keeps its own JSON shape) with the given HTTP status.</summary>
public delegate Task HttpErrorWriter(HttpContext context, int httpStatus, ErrorCode code, string message);

/// <summary>
/// Refusals leave as pairdb errors (security contract): a caller without a valid credential gets UNAUTHENTICATED
/// (1010; HTTP 401), one whose identity may not call the endpoint PERMISSION_DENIED (1011; HTTP 403). gRPC callers get
/// a trailers-only gRPC answer with the ErrorInfo, as <see cref="RpcErrors"/> builds it; HTTP callers the host's JSON.
/// </summary>
public sealed class AuthorizationRefusals(HttpErrorWriter writeHttpError) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        if (context.GetEndpoint() is null)
        {
            // Nothing would serve this path: let it reach its 404 rather than say 401 about a route that does not exist.
            return next(context);
        }

        var (code, message) = authorizeResult.Forbidden
            ? (ErrorCode.PermissionDenied, $"the caller's identity may not call {Describe(context)}")
            : (ErrorCode.Unauthenticated, $"{Describe(context)} needs a valid credential (cluster member certificate or authorization: Bearer token)");
        return IsGrpc(context.Request)
            ? WriteGrpcAsync(context, code, message)
            : writeHttpError(context, code == ErrorCode.PermissionDenied ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized, code, message);
    }

    /// <summary>A trailers-only gRPC answer: the status, its message and the pairdb ErrorInfo travel in the response headers.</summary>
    public static Task WriteGrpcAsync(HttpContext context, ErrorCode code, string message)
    {
        var error = RpcErrors.ToRpcException(code, message);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)error.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        if (error.Trailers.Get("grpc-status-details-bin") is { IsBinary: true } details)
        {
            response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(details.ValueBytes);
        }
        return response.CompleteAsync();
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    private static string Describe(HttpContext context) =>
        IsGrpc(context.Request) ? context.Request.Path.Value?.TrimStart('/') ?? "this method" : $"{context.Request.Method} {context.Request.Path}";
}
