using Microsoft.AspNetCore.Http;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// How a long admin operation (compaction, integrity scan) answers. By default the request waits for
/// the work and returns its result (what an operator running curl wants). With <c>?wait=false</c> it
/// answers 202 at once and the work goes on; the status endpoint shows its progress and outcome.
/// Either way the work belongs to the node (<see cref="AdminOperations"/>), not to the HTTP request:
/// a curl interrupted by Ctrl-C does not abort a compaction half way.
/// </summary>
internal static class AdminRun
{
    public sealed record EmptyRequest;

    /// <summary>
    /// Checks the request (an optional JSON object body, the <c>wait</c> query), starts or joins the
    /// operation and answers: 200 with the result, 500 with the error, or 202 when not waiting.
    /// </summary>
    public static async Task<IResult> ExecuteAsync(HttpRequest request, AdminOperations operations, string name, Func<CancellationToken, Task<object>> work)
    {
        var (_, bodyError) = await JsonBody.ReadAsync<EmptyRequest>(request, required: false);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!TryReadWait(request, out var wait, out var waitError))
        {
            return waitError!;
        }

        var operation = operations.Start(name, work);
        if (!wait)
        {
            return Results.Json(operation.Describe(), statusCode: StatusCodes.Status202Accepted);
        }

        // The request may go away; the operation does not (it stops with the node only).
        try
        {
            await operation.Completion.WaitAsync(request.HttpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty; // nobody is listening any more; the operation goes on
        }

        return operation.Failed
            ? Results.Json(new { error = operation.Error, operation = operation.Describe() }, statusCode: StatusCodes.Status500InternalServerError)
            : Results.Ok(operation.Describe());
    }

    /// <summary>The <c>wait</c> query value: absent or true waits; false does not; anything else is a 400.</summary>
    private static bool TryReadWait(HttpRequest request, out bool wait, out IResult? error)
    {
        wait = true;
        error = null;
        var text = request.Query["wait"].ToString();
        if (text.Length == 0 || bool.TryParse(text, out wait))
        {
            return true;
        }

        error = JsonBody.Error($"wait must be true or false, not '{text}'");
        return false;
    }
}
