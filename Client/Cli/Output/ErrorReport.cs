using Grpc.Core;
using PairDb.Contracts.Errors;

namespace PairDb.Client.Cli.Output;

/// <summary>
/// How a failure reads on stderr: <c>error: NAME (code): detail</c> when it carries a pairdb error code
/// (runbook section 4 names them), <c>error: message</c> otherwise.
/// </summary>
public static class ErrorReport
{
    public static string Describe(Exception exception) => exception switch
    {
        // Its message already starts with "NAME (code): ".
        PairDbClientException client => client.Message,
        PairDbException pairdb => Coded(pairdb.Code, pairdb.Message),
        RpcException rpc when RpcErrors.TryParse(rpc) is { } error => Coded(error.Code, error.Message),
        _ => exception.Message,
    };

    /// <summary>The error's code, or null when it has none.</summary>
    public static ErrorCode? CodeOf(Exception exception) => exception switch
    {
        PairDbException pairdb => pairdb.Code,
        RpcException rpc => RpcErrors.TryParse(rpc)?.Code,
        _ => null,
    };

    public static string Coded(ErrorCode code, string message)
    {
        var info = ErrorCodes.Get(code);
        return string.IsNullOrEmpty(message) ? $"{info.Name} ({info.CodeText})" : $"{info.Name} ({info.CodeText}): {message}";
    }
}
