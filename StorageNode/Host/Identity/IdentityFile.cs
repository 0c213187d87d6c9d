using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PairDb.StorageNode.Identity;

/// <summary>
/// The on-disk form of <c>{data}/IDENTITY</c>: which node the directory belongs to, its current
/// incarnation and the ones before it (newest first, at most <see cref="MaxPrevious"/>).
/// Readable by an operator (<c>cat IDENTITY</c>): one header line, then a JSON document.
/// <code>
/// pairdb-identity v1 crc32=1a2b3c4d\n
/// {"node_id":"node-1","incarnation":{...},"previous":[...]}
/// </code>
/// The CRC32 (hex, of the JSON bytes) tells a torn or edited file from a valid one.
/// </summary>
public static class IdentityFile
{
    public const string FileName = "IDENTITY";
    public const int Version = 1;
    public const int MaxPrevious = 32;
    private const string Magic = "pairdb-identity";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static byte[] Serialize(IdentityDocument document)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(document, Json);
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Magic} v{Version} crc32={Crc32.HashToUInt32(payload):x8}\n"));
        return [.. header, .. payload];
    }

    /// <summary>The document, or an exception whose message says what is wrong with the bytes.</summary>
    /// <exception cref="InvalidDataException">Not an identity file, an unknown version, or a CRC mismatch.</exception>
    public static IdentityDocument Parse(ReadOnlySpan<byte> bytes)
    {
        var newline = bytes.IndexOf((byte)'\n');
        if (newline < 0)
        {
            throw new InvalidDataException("no header line");
        }

        var header = Encoding.ASCII.GetString(bytes[..newline]).Split(' ');
        if (header.Length != 3 || header[0] != Magic || !header[2].StartsWith("crc32=", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"not a {Magic} header");
        }

        if (header[1] != $"v{Version}")
        {
            throw new InvalidDataException($"unknown version {header[1]} (this build reads v{Version})");
        }

        var payload = bytes[(newline + 1)..];
        if (!uint.TryParse(header[2].AsSpan("crc32=".Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var expected)
            || Crc32.HashToUInt32(payload) != expected)
        {
            throw new InvalidDataException("CRC32 mismatch (torn or edited)");
        }

        return JsonSerializer.Deserialize<IdentityDocument>(payload, Json)
            ?? throw new InvalidDataException("empty document");
    }
}

/// <summary>The content of the IDENTITY file.</summary>
public sealed record IdentityDocument(string NodeId, IncarnationEntry Incarnation, IReadOnlyList<IncarnationEntry> Previous);

/// <summary>One incarnation as the IDENTITY file records it.</summary>
public sealed record IncarnationEntry(string Id, DateTimeOffset Since, string Reason);
