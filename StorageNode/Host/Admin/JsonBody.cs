using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PairDb.StorageNode.Admin;

/// <summary>Reads an optional JSON body; a malformed one becomes a 400 with a JSON error, never a 500.</summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, bool required)
        where T : class
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Body.CanSeek && request.Headers.TransferEncoding.Count == 0))
        {
            return required ? (null, Error("a JSON body is required")) : (null, null);
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, request.HttpContext.RequestAborted);
            return value is null && required ? (null, Error("a JSON body is required")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Error($"malformed JSON body: {e.Message}"));
        }
    }

    public static IResult Error(string message, int statusCode = StatusCodes.Status400BadRequest) =>
        Results.Json(new { error = message }, statusCode: statusCode);
}
