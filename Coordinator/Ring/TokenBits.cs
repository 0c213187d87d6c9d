namespace PairDb.Coordinator.Ring;

/// <summary>
/// Tokens are unsigned 64-bit positions; PostgreSQL has no unsigned bigint, so the column holds the
/// same 64 bits read as signed. Order in SQL is therefore not ring order; nothing sorts by it there.
/// </summary>
public static class TokenBits
{
    public static long ToStored(ulong token) => unchecked((long)token);

    public static ulong FromStored(long stored) => unchecked((ulong)stored);

    public static long[] ToStored(ReadOnlySpan<ulong> tokens)
    {
        var stored = new long[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            stored[i] = ToStored(tokens[i]);
        }
        return stored;
    }

    public static ulong[] FromStored(ReadOnlySpan<long> stored)
    {
        var tokens = new ulong[stored.Length];
        for (var i = 0; i < stored.Length; i++)
        {
            tokens[i] = FromStored(stored[i]);
        }
        return tokens;
    }
}
