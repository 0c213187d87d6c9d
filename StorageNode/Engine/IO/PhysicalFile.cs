using Microsoft.Win32.SafeHandles;

namespace PairDb.Engine.IO;

internal sealed class PhysicalFile(string path, SafeFileHandle handle) : IStorageFile
{
    public string Path { get; } = path;

    public long Length => RandomAccess.GetLength(handle);

    public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(handle, data, offset);

    public int Read(long offset, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public void Sync() => NativeSync.DataSync(handle, Path);

    public void SetLength(long length) => RandomAccess.SetLength(handle, length);

    public void Dispose() => handle.Dispose();
}
