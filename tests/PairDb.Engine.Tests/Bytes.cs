using System.Text;

namespace PairDb.Engine.Tests;

internal static class Bytes
{
    public static byte[] Of(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
