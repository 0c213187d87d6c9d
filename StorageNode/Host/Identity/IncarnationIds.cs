using System.Security.Cryptography;

namespace PairDb.StorageNode.Identity;

/// <summary>
/// New incarnation ids: 64 random bits in lowercase Crockford base 32 (13 characters).
/// </summary>
/// <remarks>
/// Random rather than counted: a counter would have to survive the very losses it guards against
/// (a wiped volume takes the counter with it and would restart at 1, re-issuing an old life's id).
/// With 64 random bits two lives of one node collide with probability about n²/2⁶⁵ for n lives,
/// negligible for any realistic n; Riak's vnode ids are random for the same reason.
/// </remarks>
public static class IncarnationIds
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return Encode(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes));
    }

    /// <summary>The 13-character form of <paramref name="value"/>, most significant digit first.</summary>
    public static string Encode(ulong value)
    {
        Span<char> text = stackalloc char[13];
        for (var i = text.Length - 1; i >= 0; i--)
        {
            text[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(text);
    }
}
