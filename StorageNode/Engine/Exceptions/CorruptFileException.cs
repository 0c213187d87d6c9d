namespace PairDb.Engine;

/// <summary>A file whose structure (magic, version, lengths) is not one the engine wrote.</summary>
public sealed class CorruptFileException : StorageEngineException
{
    public CorruptFileException(string filePath, long offset, string reason)
        : base($"corrupt file file={filePath} offset={offset} reason={reason}")
    {
        FilePath = filePath;
        Offset = offset;
    }

    public string FilePath { get; }

    public long Offset { get; }
}
