using System.Text;
using NUnit.Framework;

namespace PairDb.Testing;

/// <summary>A unique directory under <see cref="Path.GetTempPath"/> for one test, deleted on dispose.</summary>
public sealed class TestDirectory : IDisposable
{
    private const string Parent = "pairdb-tests";

    private TestDirectory(string path)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary>
    /// Creates <c>$TMP/pairdb-tests/&lt;name&gt;-&lt;random&gt;</c>; the name defaults to the running test's,
    /// so a directory left behind by a crashed run says which test made it.
    /// </summary>
    public static TestDirectory Create(string? name = null)
    {
        name ??= TestContext.CurrentContext?.Test?.Name ?? "test";
        var path = System.IO.Path.Combine(
            System.IO.Path.GetTempPath(), Parent, $"{Sanitize(name)}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        return new TestDirectory(path);
    }

    /// <summary>A path inside this directory (not created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    public override string ToString() => Path;

    private static string Sanitize(string name)
    {
        var clean = new StringBuilder(Math.Min(name.Length, 60));
        foreach (var c in name)
        {
            if (clean.Length == 60)
            {
                break;
            }
            clean.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }
        return clean.ToString();
    }
}
