using PairDb.Engine.IO;

namespace PairDb.Engine.Manifest;

/// <summary>
/// The first step of recovery: the manifest, or a refusal. A data directory with no <c>MANIFEST</c> and no table
/// file is a fresh start (an empty manifest is written at once); every other case where the manifest cannot be read (missing with tables present,
/// unreadable, truncated, CRC mismatch, unknown version) refuses with <see cref="ManifestUnavailableException"/>
/// and touches nothing: the engine never deletes a data file it cannot account for.
/// </summary>
internal static class ManifestRecovery
{
    public static ManifestState LoadOrRefuse(IStorageFileSystem fileSystem, ManifestStore store, string dataDirectory)
    {
        ManifestState? state;
        try
        {
            state = store.TryLoad();
        }
        catch (UnsupportedFormatVersionException e)
        {
            throw Refuse(fileSystem, dataDirectory, ManifestProblem.UnsupportedVersion,
                $"MANIFEST has format version {e.Version}, which this build does not read (it reads {ManifestHeader.OldestReadableVersion} to {ManifestHeader.CurrentVersion}; a newer build wrote it?)", e);
        }
        catch (Exception e) when (e is CorruptFileException or ChecksumMismatchException)
        {
            throw Refuse(fileSystem, dataDirectory, ManifestProblem.Corrupt, $"MANIFEST is corrupt ({e.Message})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Refuse(fileSystem, dataDirectory, ManifestProblem.Unreadable, $"MANIFEST cannot be read ({e.Message})", e);
        }

        if (state is null)
        {
            var tables = TableFiles.List(fileSystem, dataDirectory);
            if (tables.Count > 0)
            {
                var detail = fileSystem.FileExists(store.TempFilePath)
                    ? "MANIFEST is missing (MANIFEST.tmp is present and kept: it may be the manifest of an interrupted replace)"
                    : "MANIFEST is missing";
                throw new ManifestUnavailableException(dataDirectory, ManifestProblem.Missing, detail, Paths(tables));
            }

            // A fresh directory gets its (empty) manifest before any table file can exist: from here on a table
            // file without a manifest entry is provably an unfinished flush, and a missing MANIFEST is provably lost.
            store.DeleteInterruptedReplace();
            store.Save(ManifestState.Empty);
            return ManifestState.Empty;
        }

        store.DeleteInterruptedReplace();
        return state;
    }

    private static ManifestUnavailableException Refuse(IStorageFileSystem fileSystem, string dataDirectory, ManifestProblem problem, string detail, Exception inner) =>
        new(dataDirectory, problem, detail, Paths(TableFiles.List(fileSystem, dataDirectory)), inner);

    private static List<string> Paths(List<TableFile> tables) => tables.ConvertAll(static t => t.Path);
}
