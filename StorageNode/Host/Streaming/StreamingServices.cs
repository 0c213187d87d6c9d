using Microsoft.Extensions.Options;

namespace PairDb.StorageNode.Streaming;

/// <summary>The streaming parts the gRPC service delegates to, as one dependency.</summary>
public sealed class StreamingServices(RangeStreamSource source, RangePuller puller, RangeCoverageChecker coverage, IOptions<StreamingOptions> options)
{
    public RangeStreamSource Source { get; } = source;

    public RangePuller Puller { get; } = puller;

    public RangeCoverageChecker Coverage { get; } = coverage;

    public StreamingOptions Options { get; } = options.Value;
}
