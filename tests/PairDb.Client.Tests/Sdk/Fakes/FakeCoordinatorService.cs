using Grpc.Core;
using PairDb.Contracts.Grpc;

namespace PairDb.Client.Tests.Sdk.Fakes;

/// <summary>A CoordinatorService that lists no nodes and records the caller's credential, for the CLI's admin commands.</summary>
internal sealed class FakeCoordinatorService(FakeKeyValueBehavior behavior) : CoordinatorService.CoordinatorServiceBase
{
    public override async Task<ListStorageNodesReply> ListStorageNodes(ListStorageNodesRequest request, ServerCallContext context)
    {
        await behavior.EnterAsync(nameof(ListStorageNodes), context);
        return new ListStorageNodesReply();
    }
}
