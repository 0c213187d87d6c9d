using Grpc.Net.Client;
using PairDb.Contracts.Grpc;

namespace PairDb.Client.Cli;

/// <summary>A CoordinatorService client on the context's coordinator endpoint (TLS and the operator token when secure), for one command.</summary>
public sealed class CoordinatorConnection : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly GrpcChannel _channel;

    public CoordinatorConnection(CliContext context)
    {
        _channel = context.Access.OperatorChannel(context.CoordinatorEndpoint);
        Client = new CoordinatorService.CoordinatorServiceClient(_channel);
    }

    public CoordinatorService.CoordinatorServiceClient Client { get; }

    /// <summary>The deadline of one admin call.</summary>
    public static DateTime CallDeadline => DateTime.UtcNow + Deadline;

    public void Dispose() => _channel.Dispose();
}
