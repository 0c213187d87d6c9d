namespace PairDb.Client.Tooling.Cluster;

/// <summary>
/// An exclusive lock on a cluster directory, held while a command starts or stops its processes, so two
/// commands never start the same node twice. The kernel drops it if the holder dies.
/// </summary>
public sealed class ClusterLock : IDisposable
{
    private const string FileName = ".lock";
    private readonly FileStream _stream;

    private ClusterLock(FileStream stream) => _stream = stream;

    public static ClusterLock Acquire(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            return new ClusterLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new ClusterException($"another pairdb command is changing the cluster in {dataDirectory} (it holds {path}); wait for it and retry", e);
        }
    }

    public void Dispose() => _stream.Dispose();
}
