using System.Diagnostics;

using NUnit.Framework;

namespace PairDb.Testing;

/// <summary>
/// A small tmpfs mounted on a fresh folder, so a test can really fill a file system (ENOSPC). Needs root: the
/// test is ignored, saying why, when not root or when mount fails (e.g. in an unprivileged container). Unmounted on
/// dispose; dispose what writes into it first.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="sizeMiB"/> MiB on <paramref name="path"/> (created if needed).</summary>
    public static TmpfsMount Create(string path, int sizeMiB)
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            Assert.Ignore($"mounting a {sizeMiB} MiB tmpfs needs root on Linux; this test fills a real file system");
        }

        Directory.CreateDirectory(path);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={sizeMiB}m", "tmpfs", path);
        if (code != 0)
        {
            Assert.Ignore($"mount -t tmpfs -o size={sizeMiB}m tmpfs {path} failed (exit {code}): {output}");
        }

        return new TmpfsMount(path);
    }

    /// <summary>
    /// Writes <paramref name="file"/> (on this mount, outside the engine's folders) until the file system refuses
    /// with ENOSPC; returns its size.
    /// </summary>
    public long FillWithBallast(string file)
    {
        var chunk = new byte[1 << 20];
        long written = 0;
        using var handle = System.IO.File.OpenHandle(file, FileMode.CreateNew, FileAccess.Write);
        foreach (var size in new[] { 1 << 20, 64 << 10, 4 << 10, 512 })
        {
            while (true)
            {
                try
                {
                    System.IO.RandomAccess.Write(handle, chunk.AsSpan(0, size), written);
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

    public void Dispose()
    {
        var (code, output) = Run("umount", Path);
        if (code != 0)
        {
            // Something still holds it open: detach it so it does not outlive the test run.
            Run("umount", "-l", Path);
            TestContext.Progress.WriteLine($"umount {Path} failed (exit {code}): {output}; lazily unmounted");
        }
    }

    private static (int Code, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
