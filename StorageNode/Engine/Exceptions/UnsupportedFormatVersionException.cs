namespace PairDb.Engine;

/// <summary>A file whose header names a format version this build cannot read (written by a newer build, or not by pairdb).</summary>
public sealed class UnsupportedFormatVersionException : StorageEngineException
{
    public UnsupportedFormatVersionException(string filePath, uint version, uint oldestReadable, uint newestReadable)
        : base($"unsupported format version file={filePath} version={version} readable_versions={oldestReadable}..{newestReadable}")
    {
        FilePath = filePath;
        Version = version;
    }

    public string FilePath { get; }

    public uint Version { get; }
}
