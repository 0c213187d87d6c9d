using System.IO.Hashing;

namespace PairDb.StorageNode.Data;

/// <summary>Compares byte arrays by content (encoded keys as dictionary keys).</summary>
public sealed class ByteArrayComparer : IEqualityComparer<byte[]>
{
    public static ByteArrayComparer Instance { get; } = new();

    public bool Equals(byte[]? x, byte[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(byte[] obj) => (int)XxHash3.HashToUInt64(obj);
}
