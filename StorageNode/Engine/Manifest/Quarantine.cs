using System.Globalization;
using Microsoft.Extensions.Logging;
using PairDb.Engine.CommitLog;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.IO;

namespace PairDb.Engine.Manifest;

/// <summary>
/// The operator's way out of a refused open: moves (never deletes) every unaccounted table file, the broken
/// manifest and the commit-log segments into <c>&lt;data&gt;/quarantine-&lt;UTC timestamp&gt;/</c>, keeping their
/// relative paths, so the engine then opens empty and the node is rebuilt from its replicas.
/// <para>
/// The segments go too: without a manifest there is no flushed sequence, so they would replay from the start, and
/// whatever they still hold below the lost flushed sequence may be data the node has since dropped (a range moved
/// away, tombstones collected elsewhere): replaying it would resurrect it.
/// </para>
/// </summary>
internal static class Quarantine
{
    /// <summary>
    /// The host's node-incarnation file. Removing it is the contract with the host: a node that finds it missing
    /// takes a new incarnation, so it never mints again a version dot it minted before the files were set aside.
    /// </summary>
    public const string IdentityFileName = "IDENTITY";

    public const string DirectoryPrefix = "quarantine-";

    public static QuarantineReport Run(IStorageFileSystem fileSystem, string dataDirectory, ManifestUnavailableException refusal, TimeProvider time, ILogger logger)
    {
        // IDENTITY goes first, durably: a crash after it leaves old data under a new incarnation (safe: the new one
        // never collides), while the other order could leave an empty directory with the old identity, which would
        // mint again the dots it minted before.
        var identity = Path.Combine(dataDirectory, IdentityFileName);
        var identityDeleted = fileSystem.FileExists(identity);
        if (identityDeleted)
        {
            fileSystem.Delete(identity);
            fileSystem.SyncDirectory(dataDirectory);
        }

        var target = CreateTarget(fileSystem, dataDirectory, time);
        var sources = new List<string>(refusal.TableFiles);
        sources.AddRange(fileSystem.ListFiles(Path.Combine(dataDirectory, CommitLogPaths.DirectoryName), "*"));
        foreach (var name in (ReadOnlySpan<string>)[ManifestStore.FileName, ManifestStore.TempFileName])
        {
            var path = Path.Combine(dataDirectory, name);
            if (fileSystem.FileExists(path))
            {
                sources.Add(path);
            }
        }

        var moved = new List<string>(sources.Count);
        var touched = new HashSet<string>(StringComparer.Ordinal) { dataDirectory };
        foreach (var source in sources)
        {
            var destination = Path.Combine(target, Path.GetRelativePath(dataDirectory, source));
            var folder = Path.GetDirectoryName(destination)!;
            fileSystem.CreateDirectory(folder);
            fileSystem.Replace(source, destination);
            touched.Add(folder);
            touched.Add(Path.GetDirectoryName(source)!);
            moved.Add(destination);
            EngineLog.FileQuarantined(logger, source, destination);
        }

        foreach (var folder in touched)
        {
            fileSystem.SyncDirectory(folder);
        }

        EngineLog.Quarantined(logger, dataDirectory, target, moved.Count, identityDeleted, refusal.Detail);
        return new QuarantineReport(target, moved, identityDeleted);
    }

    private static string CreateTarget(IStorageFileSystem fileSystem, string dataDirectory, TimeProvider time)
    {
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var target = Path.Combine(dataDirectory, DirectoryPrefix + stamp);
        for (var attempt = 2; Directory.Exists(target); attempt++)
        {
            target = Path.Combine(dataDirectory, string.Create(CultureInfo.InvariantCulture, $"{DirectoryPrefix}{stamp}-{attempt}"));
        }

        fileSystem.CreateDirectory(target);
        return target;
    }
}
