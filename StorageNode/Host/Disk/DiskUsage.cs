namespace PairDb.StorageNode.Disk;

/// <summary>One sample of the data volume (or of the configured capacity).</summary>
/// <param name="UsagePercent">Used share of the capacity, 0..100 (above 100 when a configured capacity is exceeded).</param>
/// <param name="AvailableBytes">Bytes still available to the node.</param>
/// <param name="UsedBytes">Bytes in use (of the volume, or under the data directory for a configured capacity).</param>
/// <param name="CapacityBytes">The volume size, or the configured capacity.</param>
public readonly record struct DiskUsage(double UsagePercent, long AvailableBytes, long UsedBytes, long CapacityBytes)
{
    /// <summary>
    /// Bytes available on the volume itself (what ENOSPC is about), also when a capacity is configured; null when not
    /// measured, and then <see cref="AvailableBytes"/> stands for it.
    /// </summary>
    public long? VolumeAvailableBytes { get; init; }

    /// <summary>The bytes the engine can still write before the file system refuses.</summary>
    public long WritableBytes => VolumeAvailableBytes ?? AvailableBytes;

    /// <summary>
    /// Measures usage: of <paramref name="capacityBytes"/> by the bytes under <paramref name="dataDirectory"/>
    /// when set, else of the volume holding it (statvfs via DriveInfo, counted the way df counts:
    /// used / (used + available to unprivileged users)).
    /// </summary>
    public static DiskUsage Measure(string dataDirectory, long? capacityBytes)
    {
        if (capacityBytes is { } capacity)
        {
            var used = BytesUnder(dataDirectory);
            return new DiskUsage(100.0 * used / capacity, Math.Max(0, capacity - used), used, capacity)
            {
                VolumeAvailableBytes = new DriveInfo(dataDirectory).AvailableFreeSpace,
            };
        }

        var drive = new DriveInfo(dataDirectory);
        var total = drive.TotalSize;
        var usedOnVolume = total - drive.TotalFreeSpace;
        var available = drive.AvailableFreeSpace;
        var denominator = usedOnVolume + available;
        var percent = denominator > 0 ? 100.0 * usedOnVolume / denominator : 0;
        return new DiskUsage(percent, available, usedOnVolume, total) { VolumeAvailableBytes = available };
    }

    /// <summary>Total size of the files under <paramref name="directory"/>; files vanishing mid-walk (segment cleanup) count as gone.</summary>
    public static long BytesUnder(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        long total = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", options))
        {
            try
            {
                total += file.Length;
            }
            catch (FileNotFoundException)
            {
                // Deleted between enumeration and stat: it no longer uses space.
            }
        }

        return total;
    }
}
