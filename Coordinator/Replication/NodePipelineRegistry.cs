using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// One Polly pipeline per storage node id (runbook 4.3: the coordinator keeps a breaker per node):
/// a circuit breaker around a per-call timeout. The breaker's state is readable without a call, so
/// the quorum path skips an open node at once instead of waiting on it. Only transport failures
/// and timeouts count against a node; a node that answers with a pairdb error (DISK_FULL, ...) is
/// healthy enough to serve reads and keeps its breaker closed.
/// </summary>
public sealed class NodePipelineRegistry
{
    private readonly ConcurrentDictionary<string, NodePipeline> _pipelines = new(StringComparer.Ordinal);
    private readonly ReplicationOptions _options;
    private readonly Func<string, NodePipeline> _create;

    public NodePipelineRegistry(IOptions<ReplicationOptions> options)
    {
        _options = options.Value;
        _create = Create;
    }

    public NodePipeline Get(string nodeId) => _pipelines.GetOrAdd(nodeId, _create);

    /// <summary>True while the node's breaker is open (or isolated): calls to it would be refused at once.</summary>
    public bool IsOpen(string nodeId) =>
        _pipelines.TryGetValue(nodeId, out var pipeline)
        && pipeline.State.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>True for the failures that say something about the node's health rather than the request.</summary>
    public static bool IsTransportFailure(Exception exception) => exception switch
    {
        TimeoutRejectedException => true,
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
            or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled
            && !ReplicaFailure.CarriesPairDbCode(rpc),
        HttpRequestException or IOException => true,
        _ => false,
    };

    private NodePipeline Create(string nodeId)
    {
        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = _options.BreakerFailureRatio,
                MinimumThroughput = _options.BreakerMinimumThroughput,
                SamplingDuration = _options.BreakerSamplingDuration,
                BreakDuration = _options.BreakerBreakDuration,
                StateProvider = state,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransportFailure(e)),
            })
            .AddTimeout(_options.ReplicaTimeout)
            .Build();
        return new NodePipeline(nodeId, pipeline, state);
    }
}

/// <summary>A node's pipeline and the breaker state that <see cref="NodePipelineRegistry.IsOpen"/> reads.</summary>
public sealed record NodePipeline(string NodeId, ResiliencePipeline Pipeline, CircuitBreakerStateProvider State);
