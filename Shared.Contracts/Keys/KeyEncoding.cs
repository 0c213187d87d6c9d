using System.Diagnostics.CodeAnalysis;
using System.Text;
using PairDb.Contracts.Errors;

namespace PairDb.Contracts.Keys;

/// <summary>
/// The internal key of <c>(tenant_id, key)</c> as the engine stores it:
/// <c>[1 byte tenant length][tenant id ASCII][key bytes]</c>.
/// The length prefix fixes where the tenant ends, so two different pairs can never encode to the
/// same bytes (("a", "\0b") and ("a\0", "b") differ in the first byte already). All keys of one
/// tenant share the prefix, so they are contiguous in byte order and sorted by key bytes within it;
/// tenants themselves sort by (length, id), which nothing relies on.
/// </summary>
public static class KeyEncoding
{
    /// <summary>The encoded length of a pair.</summary>
    public static int GetEncodedLength(ReadOnlySpan<char> tenantId, int keyLength) => 1 + tenantId.Length + keyLength;

    /// <summary>Writes the encoded pair; throws INVALID_TENANT_ID for a tenant id outside the rule.</summary>
    public static int Encode(ReadOnlySpan<char> tenantId, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        var at = WriteTenantPrefix(tenantId, destination);
        key.CopyTo(destination[at..]);
        return at + key.Length;
    }

    public static byte[] Encode(string tenantId, ReadOnlySpan<byte> key)
    {
        var bytes = new byte[GetEncodedLength(tenantId, key.Length)];
        Encode(tenantId, key, bytes);
        return bytes;
    }

    /// <summary>
    /// Writes <c>[length][tenant id]</c>, the prefix every key of the tenant starts with (the start of
    /// a tenant's range scan).
    /// </summary>
    public static int WriteTenantPrefix(ReadOnlySpan<char> tenantId, Span<byte> destination)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            ThrowInvalidTenant();
        }

        destination[0] = (byte)tenantId.Length;
        Encoding.ASCII.GetBytes(tenantId, destination[1..]);
        return 1 + tenantId.Length;
    }

    /// <summary>
    /// The tenant's key range: every encoded key of the tenant is in [start, end). The end is the
    /// prefix with its last byte raised by one, which cannot overflow: tenant characters are ASCII.
    /// </summary>
    public static (byte[] StartInclusive, byte[] EndExclusive) TenantRange(string tenantId)
    {
        var start = new byte[1 + tenantId.Length];
        WriteTenantPrefix(tenantId, start);
        var end = (byte[])start.Clone();
        end[^1]++;
        return (start, end);
    }

    /// <summary>Splits an encoded key; false when the bytes are not a valid encoding.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out string? tenantId, out ReadOnlySpan<byte> key)
    {
        tenantId = null;
        key = default;
        if (!TrySplit(encoded, out var tenant, out key))
        {
            return false;
        }

        tenantId = Encoding.ASCII.GetString(tenant);
        return true;
    }

    /// <summary>Splits an encoded key without allocating; false when the bytes are not a valid encoding.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> encoded, out ReadOnlySpan<byte> tenantId, out ReadOnlySpan<byte> key)
    {
        tenantId = default;
        key = default;
        if (encoded.IsEmpty || encoded[0] is 0 or > TenantIds.MaxLength || encoded.Length < 1 + encoded[0])
        {
            return false;
        }

        var tenant = encoded.Slice(1, encoded[0]);
        foreach (var b in tenant)
        {
            if (!TenantIds.IsAllowed((char)b))
            {
                return false;
            }
        }

        tenantId = tenant;
        key = encoded[(1 + tenant.Length)..];
        return true;
    }

    [DoesNotReturn]
    private static void ThrowInvalidTenant() =>
        PairDbException.Throw(ErrorCode.InvalidTenantId, "tenant id must match [A-Za-z0-9_-]{1,64}");
}
