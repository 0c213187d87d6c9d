using Grpc.Core;
using PairDb.Contracts.Grpc;

namespace PairDb.StorageNode.Rpc;

public sealed partial class StorageGrpcService
{
    public override Task<IdentifyReply> Identify(IdentifyRequest request, ServerCallContext context)
    {
        var identity = _store.Identity;
        var current = identity.Current;
        var reply = new IdentifyReply
        {
            NodeId = identity.NodeId,
            Incarnation = current.Id,
            Actor = current.Actor,
            IncarnationSinceUnixMs = current.Since.ToUnixTimeMilliseconds(),
            IncarnationReason = current.Reason,
            NowUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        foreach (var previous in identity.Previous)
        {
            reply.PreviousIncarnations.Add(previous.Id);
        }

        return Task.FromResult(reply);
    }

    public override async Task<GetTenantUsageReply> GetTenantUsage(GetTenantUsageRequest request, ServerCallContext context)
    {
        var usage = await _tenantUsage.GetAsync().WaitAsync(context.CancellationToken).ConfigureAwait(false);
        var reply = new GetTenantUsageReply { ScannedAtUnixMs = usage.ScannedAt.ToUnixTimeMilliseconds() };
        foreach (var (tenant, (bytes, keys)) in usage.Tenants)
        {
            reply.Tenants.Add(new TenantUsage { TenantId = tenant, StoredBytes = bytes, Keys = keys });
        }

        return reply;
    }
}
