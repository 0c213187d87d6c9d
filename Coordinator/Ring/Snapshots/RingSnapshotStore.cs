using PairDb.Coordinator.LocalState;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Ring.Snapshots;

/// <summary>
/// The ring snapshot file, <c>&lt;StateDirectory&gt;/ring/ring-snapshot.json</c>: a header line
/// <c>pairdb-ring-snapshot 1 crc32=xxxxxxxx length=N</c>, then N bytes of JSON (<see cref="RingSnapshot"/>). Written
/// atomically (temporary file, fsync, rename, fsync of the directory), so a crash leaves the old snapshot or the new
/// one, never a mix; a file whose checksum or length does not match is refused, never half-served.
/// A snapshot is never replaced by one of a lower version: versions only grow in one coordinator
/// (<see cref="RingProvider"/> is seeded from the snapshot at start), so a lower one can only come from a second
/// process pointed at the same directory, which must not roll the ring back.
/// </summary>
public sealed partial class RingSnapshotStore
{
    public const string FileName = "ring-snapshot.json";
    private const string Magic = "pairdb-ring-snapshot";
    private const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger<RingSnapshotStore> _logger;
    private readonly Lock _writeLock = new();
    private byte[]? _lastWrittenNodes;
    private long _lastWrittenVersion;

    public RingSnapshotStore(IOptions<CoordinatorHostOptions> options, TimeProvider time, ILogger<RingSnapshotStore> logger)
    {
        _directory = Path.Combine(options.Value.StateDirectory, "ring");
        _time = time;
        _logger = logger;
    }

    public string Directory => _directory;

    public string FilePath => Path.Combine(_directory, FileName);

    /// <summary>When the snapshot on disk was written (null before the first), for <c>ring_snapshot_age_seconds</c>.</summary>
    public DateTimeOffset? LastWrittenAt { get; private set; }

    /// <summary>
    /// Writes the rows of the ring published as <paramref name="version"/>, unless the file already holds exactly these
    /// rows or a newer version. Never throws for I/O: a snapshot that cannot be written leaves the previous one, and
    /// the data path is not stopped for it (logged, retried at the next publish or reload).
    /// </summary>
    public void Save(long version, IReadOnlyCollection<Data.StorageNodeRecord> rows)
    {
        lock (_writeLock)
        {
            var nodes = JsonSerializer.SerializeToUtf8Bytes(rows, Json);
            if (version == _lastWrittenVersion && _lastWrittenNodes is not null && nodes.AsSpan().SequenceEqual(_lastWrittenNodes))
            {
                return;
            }
            try
            {
                var onDisk = TryReadVersion();
                if (onDisk > version)
                {
                    LogOlderRefused(version, onDisk);
                    return;
                }
                var now = _time.GetUtcNow();
                WriteAtomically(Encode(new RingSnapshot(version, now, [.. rows])));
                _lastWrittenNodes = nodes;
                _lastWrittenVersion = version;
                LastWrittenAt = now;
                LogWritten(version, rows.Count, FilePath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(e, FilePath);
            }
        }
    }

    /// <summary>The snapshot on disk; null when there is none. Throws <see cref="RingSnapshotCorruptException"/> for a damaged one.</summary>
    public RingSnapshot? Load()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(FilePath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var snapshot = Decode(bytes, FilePath);
        LastWrittenAt ??= snapshot.WrittenAt;
        return snapshot;
    }

    /// <summary>The snapshot's bytes: header line with CRC-32 and length, then the JSON.</summary>
    public static byte[] Encode(RingSnapshot snapshot)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(snapshot, Json);
        var header = Encoding.ASCII.GetBytes($"{Magic} {FormatVersion} crc32={Crc32.HashToUInt32(body):x8} length={body.Length}\n");
        return [.. header, .. body];
    }

    public static RingSnapshot Decode(byte[] bytes, string path)
    {
        var newline = Array.IndexOf(bytes, (byte)'\n');
        if (newline < 0)
        {
            throw Corrupt(path, "no header line (truncated?)");
        }
        var header = Encoding.ASCII.GetString(bytes, 0, newline).Split(' ');
        if (header.Length != 4 || header[0] != Magic || header[1] != FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)
            || !header[2].StartsWith("crc32=", StringComparison.Ordinal) || !header[3].StartsWith("length=", StringComparison.Ordinal)
            || !uint.TryParse(header[2].AsSpan(6), System.Globalization.NumberStyles.HexNumber, null, out var crc)
            || !int.TryParse(header[3].AsSpan(7), out var length))
        {
            throw Corrupt(path, "unknown header");
        }
        var body = bytes.AsSpan(newline + 1);
        if (body.Length != length)
        {
            throw Corrupt(path, $"body is {body.Length} bytes, header says {length} (truncated?)");
        }
        if (Crc32.HashToUInt32(body) != crc)
        {
            throw Corrupt(path, "checksum mismatch");
        }
        try
        {
            return JsonSerializer.Deserialize<RingSnapshot>(body, Json) ?? throw Corrupt(path, "empty body");
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"body does not parse: {e.Message}");
        }
    }

    private long TryReadVersion()
    {
        try
        {
            return Load()?.Version ?? 0;
        }
        catch (RingSnapshotCorruptException)
        {
            return 0;
        }
    }

    private void WriteAtomically(byte[] bytes)
    {
        System.IO.Directory.CreateDirectory(_directory);
        var temporary = FilePath + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, FilePath, overwrite: true);
        DirectorySync.Sync(_directory);
    }

    private static RingSnapshotCorruptException Corrupt(string path, string reason) =>
        new($"ring snapshot {path} is damaged ({reason}); refusing to serve from it");

    [LoggerMessage(EventId = 1125, Level = LogLevel.Debug, Message = "Ring snapshot written version={Version} nodes={Nodes} path={Path}")]
    private partial void LogWritten(long version, int nodes, string path);

    [LoggerMessage(EventId = 1126, Level = LogLevel.Warning, Message = "Ring snapshot not written path={Path}; the previous one stays, retried at the next ring read")]
    private partial void LogWriteFailed(Exception exception, string path);

    [LoggerMessage(EventId = 1127, Level = LogLevel.Error,
        Message = "Ring snapshot version={Version} not written: the file holds newer version={OnDisk} (another coordinator process uses this StateDirectory?)")]
    private partial void LogOlderRefused(long version, long onDisk);
}
