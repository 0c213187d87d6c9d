using Microsoft.Extensions.Logging;
using PairDb.Engine.IO;

namespace PairDb.StorageNode.Identity;

/// <summary>
/// Who this process is, for the data it serves: the node id the data directory belongs to and the
/// current <see cref="Incarnation"/> its writes are minted under. Opening it locks the data
/// directory (one process per directory) and takes a new incarnation, recorded in
/// <c>{data}/IDENTITY</c> before the engine opens, so no write is coordinated under an old one.
/// </summary>
/// <remarks>
/// Why a new incarnation at every start, not only after a detected loss: a node cannot always know
/// that it lost state. A restore from an older backup, a crash in periodic durability that lost the
/// log tail, a volume swapped while stopped all look like a clean start. Its per-key counters would
/// then restart below what peers hold, and a blind write would get a dot a peer already holds for
/// another value, which the merge treats as the same write (the earlier value is silently lost).
/// A new actor per start makes that impossible whatever happened while the node was down; the cost
/// is one more context entry per key written after a restart, which context pruning bounds (old
/// incarnations never mint again, so pruning them only risks a false sibling, never a lost write).
/// While running, <see cref="Renew"/> is called before anything that drops acknowledged data.
/// </remarks>
public sealed partial class NodeIdentity : IDisposable
{
    private readonly string _path;
    private readonly IStorageFileSystem _fileSystem;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FileStream _lock;
    private readonly Lock _renewing = new();
    private List<IncarnationEntry> _previous;
    private volatile Incarnation _current;

    private NodeIdentity(string directory, string nodeId, IStorageFileSystem fileSystem, TimeProvider time, ILogger logger, FileStream directoryLock, List<IncarnationEntry> previous, Incarnation current)
    {
        DataDirectory = directory;
        _path = Path.Combine(directory, IdentityFile.FileName);
        NodeId = nodeId;
        _fileSystem = fileSystem;
        _time = time;
        _logger = logger;
        _lock = directoryLock;
        _previous = previous;
        _current = current;
    }

    public string DataDirectory { get; }

    public string NodeId { get; }

    /// <summary>The incarnation new dots are minted under; replaced by <see cref="Renew"/>.</summary>
    public Incarnation Current => _current;

    /// <summary>Earlier incarnations of this data directory, newest first (at most <see cref="IdentityFile.MaxPrevious"/>).</summary>
    public IReadOnlyList<IncarnationEntry> Previous
    {
        get
        {
            lock (_renewing)
            {
                return [.. _previous];
            }
        }
    }

    /// <summary>
    /// Locks <paramref name="dataDirectory"/>, checks that it belongs to <paramref name="nodeId"/> (or to
    /// nobody yet) and takes a new incarnation, durable before this returns.
    /// </summary>
    /// <exception cref="NodeIdentityException">Another process holds the directory, or it belongs to another node.</exception>
    public static NodeIdentity Open(string dataDirectory, string nodeId, IStorageFileSystem fileSystem, TimeProvider time, ILogger logger)
    {
        var directory = Path.GetFullPath(dataDirectory);
        fileSystem.CreateDirectory(directory);
        var directoryLock = DataDirectoryLock.Acquire(directory);
        try
        {
            var path = Path.Combine(directory, IdentityFile.FileName);
            var (previous, reason) = ReadPrevious(path, directory, nodeId, fileSystem, logger);
            var current = new Incarnation(IncarnationIds.New(), nodeId, time.GetUtcNow(), reason);
            var identity = new NodeIdentity(directory, nodeId, fileSystem, time, logger, directoryLock, previous, current);
            identity.Persist(current);
            LogIncarnationTaken(logger, nodeId, current.Id, previous.Count > 0 ? previous[0].Id : "none", reason);
            return identity;
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes a new incarnation because <paramref name="reason"/> (e.g. the node is about to drop data it
    /// acknowledged). Durable, and in effect for every write coordinated after it returns.
    /// </summary>
    public Incarnation Renew(string reason)
    {
        lock (_renewing)
        {
            var old = _current;
            var next = new Incarnation(IncarnationIds.New(), NodeId, _time.GetUtcNow(), reason);
            _previous = Prepend(_previous, old);
            Persist(next);
            _current = next;
            LogIncarnationTaken(_logger, NodeId, next.Id, old.Id, reason);
            return next;
        }
    }

    public void Dispose() => _lock.Dispose();

    private static (List<IncarnationEntry> Previous, string Reason) ReadPrevious(string path, string directory, string nodeId, IStorageFileSystem fileSystem, ILogger logger)
    {
        if (!fileSystem.FileExists(path))
        {
            return ([], "start: no IDENTITY file (new, emptied or rebuilt data directory)");
        }

        IdentityDocument document;
        try
        {
            document = IdentityFile.Parse(fileSystem.ReadAllBytes(path));
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            // Unreadable: whose it was cannot be told, but a new incarnation is safe whatever it held.
            LogIdentityUnreadable(logger, path, e.Message);
            return ([], $"start: IDENTITY unreadable ({e.Message})");
        }

        if (!string.Equals(document.NodeId, nodeId, StringComparison.Ordinal))
        {
            throw new NodeIdentityException(
                $"data directory {directory} belongs to node '{document.NodeId}' (see {path}), but this process is configured as '{nodeId}'. " +
                $"Start it with PairDb:StorageNode:NodeId={document.NodeId}, or point DataDirectory at this node's own directory. " +
                "To reuse the directory for another node, empty it first: its data was placed for the other node's ranges.");
        }

        return (Prepend([.. document.Previous], document.Incarnation), "start");
    }

    private static List<IncarnationEntry> Prepend(List<IncarnationEntry> previous, IncarnationEntry entry)
    {
        var list = new List<IncarnationEntry>(Math.Min(previous.Count + 1, IdentityFile.MaxPrevious)) { entry };
        for (var i = 0; i < previous.Count && list.Count < IdentityFile.MaxPrevious; i++)
        {
            list.Add(previous[i]);
        }

        return list;
    }

    private static List<IncarnationEntry> Prepend(List<IncarnationEntry> previous, Incarnation incarnation) =>
        Prepend(previous, new IncarnationEntry(incarnation.Id, incarnation.Since, incarnation.Reason));

    private void Persist(Incarnation current) =>
        AtomicFileWriter.Replace(_fileSystem, _path, IdentityFile.Serialize(
            new IdentityDocument(NodeId, new IncarnationEntry(current.Id, current.Since, current.Reason), _previous)));

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Node incarnation taken node_id={NodeId} incarnation={Incarnation} previous={Previous} reason=\"{Reason}\"")]
    private static partial void LogIncarnationTaken(ILogger logger, string nodeId, string incarnation, string previous, string reason);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Error, Message = "Node identity file unreadable path={Path} error=\"{Error}\"; taking a new incarnation")]
    private static partial void LogIdentityUnreadable(ILogger logger, string path, string error);
}
