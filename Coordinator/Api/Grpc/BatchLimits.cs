using Google.Protobuf;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Validation;

namespace PairDb.Coordinator.Api.Grpc;

/// <summary>
/// The item cap and byte cap of client batches (<see cref="ValidationOptions.MaxBatchItems"/>,
/// <see cref="ValidationOptions.MaxBatchBytes"/>): a batch over either is refused whole with
/// BATCH_TOO_LARGE (1009) before any item runs, so one caller cannot queue unbounded work.
/// The byte count is what the caller asks to store or look up: keys, values and contexts.
/// </summary>
public static class BatchLimits
{
    public static void CheckPuts(IList<PutRequest> items, ValidationOptions limits)
    {
        long bytes = 0;
        foreach (var item in items)
        {
            bytes += item.Key.Length + item.Value.Length + item.Context.Length;
        }

        Check("BatchPut", items.Count, bytes, limits);
    }

    public static void CheckGets(IList<GetRequest> items, ValidationOptions limits)
    {
        long bytes = 0;
        foreach (var item in items)
        {
            bytes += item.Key.Length;
        }

        Check("BatchGet", items.Count, bytes, limits);
    }

    public static void CheckDeletes(IList<DeleteRequest> items, ValidationOptions limits)
    {
        long bytes = 0;
        foreach (var item in items)
        {
            bytes += item.Key.Length + item.Context.Length;
        }

        Check("BatchDelete", items.Count, bytes, limits);
    }

    private static void Check(string rpc, int count, long bytes, ValidationOptions limits)
    {
        if (count > limits.MaxBatchItems)
        {
            throw RpcErrors.ToRpcException(ErrorCode.BatchTooLarge,
                $"{rpc} has {count} items; the cap is {limits.MaxBatchItems} (Validation:MaxBatchItems): split the batch");
        }

        if (bytes > limits.MaxBatchBytes)
        {
            throw RpcErrors.ToRpcException(ErrorCode.BatchTooLarge,
                $"{rpc} carries {bytes} bytes of keys, values and contexts; the cap is {limits.MaxBatchBytes} (Validation:MaxBatchBytes): split the batch");
        }
    }
}
