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
        if (_obsolete)
        {
            File.Delete(Path);
        }
    }

    /// <summary>Marks the table as no longer part of the live set (compaction output replaced it).</summary>
    public void MarkObsolete() => _obsolete = true;

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
