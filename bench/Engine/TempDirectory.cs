namespace PairDb.Bench.Engine;

/// <summary>A fresh directory under the system temp path, removed (best effort) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string label)
    {
        var safe = string.Concat(label.Select(c => char.IsLetterOrDigit(c) ? c : '-'));
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pairdb-bench-{safe}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"could not remove {Path}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            Console.Error.WriteLine($"could not remove {Path}: {ex.Message}");
        }
    }
}
