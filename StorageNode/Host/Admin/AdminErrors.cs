using Microsoft.AspNetCore.Http;
using PairDb.Contracts.Errors;

namespace PairDb.StorageNode.Admin;

/// <summary>The node admin API's error body, <c>{"error": message, "code": n}</c>, for answers written outside an endpoint (refusals).</summary>
public static class AdminErrors
{
    public static Task WriteAsync(HttpContext context, int httpStatus, ErrorCode code, string message) =>
        Results.Json(new { error = message, code = (int)code }, statusCode: httpStatus).ExecuteAsync(context);
}
