using PairDb.Chaos.Network;

namespace PairDb.Chaos.Cluster;

/// <summary>
/// A small tmpfs holding one node's data directory, so the disk-full fault meets a real ENOSPC: a ballast file fills
/// what the node left free (as tests/PairDb.Integration.Tests/DiskFullTmpfsTests.cs does), and healing deletes it.
/// </summary>
public sealed class TmpfsVolume
{
    private TmpfsVolume(string path) => Path = path;

    public string Path { get; }

    public string DataDirectory => System.IO.Path.Combine(Path, "data");

    private string BallastPath => System.IO.Path.Combine(Path, "ballast");

    public static async Task<TmpfsVolume> MountAsync(string path, int sizeMiB)
    {
        Directory.CreateDirectory(path);
        await Shell.RunAsync("mount", "-t", "tmpfs", "-o", $"size={sizeMiB}m", "tmpfs", path);
        return new TmpfsVolume(path);
    }

    /// <summary>Writes the ballast until the file system refuses with ENOSPC; returns its size in bytes.</summary>
    public long Fill()
    {
        var chunk = new byte[1 << 20];
        long written = 0;
        using var handle = File.OpenHandle(BallastPath, FileMode.Create, FileAccess.Write);
        foreach (var size in new[] { 1 << 20, 64 << 10, 4 << 10, 512 })
        {
            while (true)
            {
                try
                {
                    RandomAccess.Write(handle, chunk.AsSpan(0, size), written);
                    written += size;
                }
                catch (IOException)
                {
                    break; // no room for a chunk this size: try a smaller one
                }
            }
        }
        return written;
    }

    public void Free() => File.Delete(BallastPath);

    /// <summary>Unmounts (lazily when something still holds it open); never throws.</summary>
    public async Task UnmountAsync()
    {
        if (!(await Shell.TryAsync("umount", Path)).Succeeded)
        {
            await Shell.TryAsync("umount", "-l", Path);
        }
    }
}
