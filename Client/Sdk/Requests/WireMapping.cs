using Google.Protobuf;
using PairDb.Contracts.Grpc;
using WireSibling = PairDb.Contracts.Grpc.Sibling;

namespace PairDb.Client;

/// <summary>Between the SDK's types and the KeyValueService messages.</summary>
internal static class WireMapping
{
    // The caller keeps its buffers unchanged until the call completes (PairDbClient remarks),
    // so they go on the wire without a copy.
    public static ByteString Wrap(ReadOnlyMemory<byte> bytes) =>
        bytes.IsEmpty ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(bytes);

    public static Consistency ToWire(ConsistencyLevel level) => level switch
    {
        ConsistencyLevel.One => Consistency.One,
        ConsistencyLevel.All => Consistency.All,
        ConsistencyLevel.Quorum => Consistency.Quorum,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "not a consistency level"),
    };

    public static PutRequest Put(string tenantId, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, ReadOnlyMemory<byte> context, WriteOptions? options, ConsistencyLevel defaultLevel)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var request = new PutRequest
        {
            TenantId = tenantId,
            Key = Wrap(key),
            Value = Wrap(value),
            Context = Wrap(context),
            Consistency = ToWire(options?.Consistency ?? defaultLevel),
        };
        if (options?.W is { } w)
        {
            request.W = w;
        }

        if (options?.Ttl is { } ttl)
        {
            request.TtlSeconds = TtlSeconds(ttl);
        }

        return request;
    }

    public static GetRequest Get(string tenantId, ReadOnlyMemory<byte> key, ReadOptions? options, ConsistencyLevel defaultLevel)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var request = new GetRequest
        {
            TenantId = tenantId,
            Key = Wrap(key),
            Consistency = ToWire(options?.Consistency ?? defaultLevel),
        };
        if (options?.R is { } r)
        {
            request.R = r;
        }

        return request;
    }

    public static DeleteRequest Delete(string tenantId, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> context, WriteOptions? options, ConsistencyLevel defaultLevel)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var request = new DeleteRequest
        {
            TenantId = tenantId,
            Key = Wrap(key),
            Context = Wrap(context),
            Consistency = ToWire(options?.Consistency ?? defaultLevel),
        };
        if (options?.W is { } w)
        {
            request.W = w;
        }

        return request;
    }

    public static GetResult ToResult(GetReply reply)
    {
        var siblings = new Sibling[reply.Siblings.Count];
        for (var i = 0; i < siblings.Length; i++)
        {
            siblings[i] = ToSibling(reply.Siblings[i]);
        }

        return new GetResult(siblings, reply.Context.Memory);
    }

    private static Sibling ToSibling(WireSibling wire) =>
        new(wire.Value.Memory, wire.Tombstone, wire.ExpiresAtUnixMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(wire.ExpiresAtUnixMs));

    private static uint TtlSeconds(TimeSpan ttl)
    {
        var seconds = Math.Ceiling(ttl.TotalSeconds);
        if (seconds < 1 || seconds > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "a TTL must be 1 second .. uint.MaxValue seconds");
        }

        return (uint)seconds;
    }
}
