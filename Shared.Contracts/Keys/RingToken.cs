using System.Buffers;
using System.IO.Hashing;

namespace PairDb.Contracts.Keys;

/// <summary>
/// A key's position on the ring: XxHash64 (seed 0) of its encoded form (<see cref="KeyEncoding"/>).
/// Frozen by a golden test: changing it moves every key to other nodes. Hashing the encoded key
/// (rather than another spelling of the pair) lets a storage node compute tokens of stored keys
/// for range digests and streaming without decoding them.
/// </summary>
public static class RingToken
{
    private const int StackLimit = 1024 + 64 + 1;

    public static ulong Of(ReadOnlySpan<byte> encodedKey) => XxHash64.HashToUInt64(encodedKey);

    public static ulong Of(ReadOnlySpan<char> tenantId, ReadOnlySpan<byte> key)
    {
        var length = KeyEncoding.GetEncodedLength(tenantId, key.Length);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = KeyEncoding.Encode(tenantId, key, buffer);
            return Of(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
