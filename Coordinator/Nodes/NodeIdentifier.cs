using Grpc.Core;
using Grpc.Net.Client;
using PairDb.Contracts.Grpc;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Nodes;

/// <summary>
/// Asks the process at an address who it is (StorageService.Identify) before that address is
/// registered under a node id, so a node is never registered under an id it does not answer to.
/// </summary>
public sealed class NodeIdentifier(TimeProvider time, NodeChannelPool channels, HostSecurity security)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>The scheme a node registered without one is dialled with: the coordinator's own (https when secure).</summary>
    public string DefaultScheme => security.Scheme;

    /// <summary>
    /// The node id the process at <paramref name="scheme"/>://<paramref name="host"/>:<paramref name="grpcPort"/> answers with,
    /// or null when nothing answers yet (a node may be registered before it starts; the health prober checks it then).
    /// </summary>
    public async Task<string?> AnsweredNodeIdAsync(string scheme, string host, int grpcPort, CancellationToken cancellationToken)
    {
        using var channel = channels.Open(new Uri(MemberHttp.Address(scheme, host, grpcPort)));
        try
        {
            var reply = await new StorageService.StorageServiceClient(channel).IdentifyAsync(
                new IdentifyRequest(), deadline: time.GetUtcNow().UtcDateTime + Timeout, cancellationToken: cancellationToken);
            return reply.NodeId;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Unimplemented or StatusCode.Internal)
        {
            return null;
        }
    }
}
