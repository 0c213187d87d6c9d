using Google.Protobuf;
using Grpc.Core;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Keys;

namespace PairDb.StorageNode.Tests.Testing;

/// <summary>Helpers for the streaming tests: node ids, tenant-bounded requests, collecting streams.</summary>
internal static class StreamingKit
{
    /// <summary>Starts a real node with its own id under <paramref name="root"/>/<paramref name="nodeId"/>.</summary>
    public static Task<StorageNodeProcess> StartNodeAsync(string root, string nodeId, IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string> { ["PairDb:StorageNode:NodeId"] = nodeId };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var directory = Path.Combine(root, nodeId);
        Directory.CreateDirectory(directory);
        return StorageNodeProcess.StartAsync(directory, settings);
    }

    public static TokenRange WholeRing => new() { StartToken = 0, EndToken = 0 };

    public static ulong TokenOf(string tenant, string key) => RingToken.Of(KeyEncoding.Encode(tenant, System.Text.Encoding.UTF8.GetBytes(key)));

    public static string KeyOf(ByteString encoded) =>
        KeyEncoding.TryDecode(encoded.Span, out _, out var key) ? System.Text.Encoding.UTF8.GetString(key) : throw new InvalidOperationException("not an encoded key");

    /// <summary>A StreamRange request over the tenant's keys only.</summary>
    public static StreamRangeRequest StreamTenant(string tenant, uint batchSize, params TokenRange[] ranges)
    {
        var (start, end) = KeyEncoding.TenantRange(tenant);
        var request = new StreamRangeRequest { StartKey = ByteString.CopyFrom(start), EndKey = ByteString.CopyFrom(end), BatchSize = batchSize };
        request.Ranges.Add(ranges.Length == 0 ? [WholeRing] : ranges);
        return request;
    }

    /// <summary>A FetchRanges request pulling the tenant's keys from <paramref name="source"/>.</summary>
    public static FetchRangesRequest FetchTenant(StorageNodeProcess source, string tenant, uint batchSize = 0)
    {
        var (start, end) = KeyEncoding.TenantRange(tenant);
        var request = new FetchRangesRequest
        {
            SourceHost = "127.0.0.1",
            SourcePort = (uint)source.GrpcPort,
            StartKey = ByteString.CopyFrom(start),
            EndKey = ByteString.CopyFrom(end),
            BatchSize = batchSize,
            StreamId = "test-" + tenant,
        };
        request.Ranges.Add(WholeRing);
        return request;
    }

    public static async Task<List<StreamRangeBatch>> StreamAsync(StorageNodeProcess node, StreamRangeRequest request)
    {
        using var call = node.Client.StreamRange(request, deadline: DateTime.UtcNow.AddSeconds(30));
        var batches = new List<StreamRangeBatch>();
        await foreach (var batch in call.ResponseStream.ReadAllAsync())
        {
            batches.Add(batch);
        }

        return batches;
    }

    public static async Task<List<FetchRangesProgress>> FetchAsync(StorageNodeProcess target, FetchRangesRequest request)
    {
        using var call = target.Client.FetchRanges(request, deadline: DateTime.UtcNow.AddSeconds(60));
        var progress = new List<FetchRangesProgress>();
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            progress.Add(item);
        }

        return progress;
    }

    public static List<string> Keys(IEnumerable<StreamRangeBatch> batches)
    {
        var keys = new List<string>();
        foreach (var batch in batches)
        {
            foreach (var entry in batch.Entries)
            {
                keys.Add(KeyOf(entry.Key));
            }
        }

        return keys;
    }

    public static async Task WriteManyAsync(StorageNodeProcess node, string tenant, int count, int valueBytes, string prefix = "k")
    {
        var value = new string('v', valueBytes);
        for (var start = 0; start < count; start += 200)
        {
            var batch = new BatchCoordinatedWriteRequest();
            for (var i = start; i < Math.Min(count, start + 200); i++)
            {
                batch.Items.Add(Versions.Write(tenant, $"{prefix}{i:D6}", value));
            }

            var reply = await node.Client.BatchCoordinatedWriteAsync(batch);
            foreach (var result in reply.Results)
            {
                Assert.That(result.Error, Is.Null, "a setup write failed");
            }
        }
    }
}
