namespace PairDb.Engine.IO;

/// <summary>A file written at explicit offsets (positional, thread-safe for reads) and synced on demand.</summary>
public interface IStorageFile : IDisposable
{
    string Path { get; }

    long Length { get; }

    void Write(long offset, ReadOnlySpan<byte> data);

    int Read(long offset, Span<byte> buffer);

    /// <summary>Makes the data written so far durable (fdatasync on Linux).</summary>
    void Sync();

    void SetLength(long length);
}
