using PairDb.Engine.IO;

namespace PairDb.Engine.SSTable;

internal sealed unsafe partial class SSTableReader
{
    /// <summary>Takes a reference for a version that will read this table.</summary>
    public void AddReference() => Interlocked.Increment(ref _references);

    /// <summary>Drops a reference; the last one unmaps the file and deletes it if it was made obsolete.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        ReleaseMapping();
        if (_obsoleteIn is { } fileSystem)
        {
            _cache?.RemoveFile(FileId, _handles.Length);
            try
            {
                fileSystem.Delete(Path);
            }
            catch (IOException)
            {
                // Not in the manifest any more: the next open removes it as an orphan.
            }
        }
    }

    /// <summary>
    /// Marks the table as no longer part of the live set (a compaction output replaced it, and the manifest saying so
    /// is durable); the last release deletes the file through <paramref name="fileSystem"/>.
    /// </summary>
    public void MarkObsolete(IStorageFileSystem fileSystem) => _obsoleteIn = fileSystem;

    private void ReleaseMapping()
    {
        if (_pointerAcquired)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }

        _view?.Dispose();

        _map.Dispose();
    }
}
