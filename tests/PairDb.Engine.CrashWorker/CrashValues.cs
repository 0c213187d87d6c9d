using System.Text;

namespace PairDb.Engine.CrashWorker;

/// <summary>Keys and values both processes derive the same way, so the parent can tell a real value from a fabricated one.</summary>
public static class CrashValues
{
    public static string Key(int cycle, int writer, int index, char part) => $"c{cycle:D3}-w{writer:D2}-{index:D7}-{part}";

    /// <summary>The only value ever written under <paramref name="key"/>: its text repeated to a length that depends on it.</summary>
    public static byte[] ValueFor(string key)
    {
        var hash = 2166136261u; // FNV-1a: string.GetHashCode differs between processes
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        var length = 16 + (int)(hash & 0xFF);
        var builder = new StringBuilder(length + key.Length);
        while (builder.Length < length)
        {
            builder.Append(key).Append('|');
        }

        return Encoding.UTF8.GetBytes(builder.ToString(0, length));
    }
}
