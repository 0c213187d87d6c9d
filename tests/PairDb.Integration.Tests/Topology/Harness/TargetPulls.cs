using System.Text.RegularExpressions;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>
/// The FetchRanges pulls a target storage node ran, in order, from its own log (StreamingLog 1400-1402): where each
/// resumed and how many keys it reported durable. The target's account, independent of the coordinator's counters.
/// </summary>
internal static partial class TargetPulls
{
    public static List<Pull> Read(string logPath)
    {
        var pulls = new List<Pull>();
        var open = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!File.Exists(logPath))
        {
            return pulls;
        }
        using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (Started().Match(line) is { Success: true } started)
            {
                open[started.Groups["id"].Value] = pulls.Count;
                pulls.Add(new Pull(started.Groups["id"].Value, started.Groups["resume"].Value, 0, false));
            }
            else if (Ended().Match(line) is { Success: true } ended && open.Remove(ended.Groups["id"].Value, out var index))
            {
                pulls[index] = pulls[index] with { Keys = long.Parse(ended.Groups["keys"].Value, System.Globalization.CultureInfo.InvariantCulture), Ended = true };
            }
        }
        return pulls;
    }

    /// <param name="StreamId">change id / stream number.</param>
    /// <param name="ResumeAfterHex">The key it started after (hex), empty from the start of its ranges.</param>
    /// <param name="Keys">Keys it reported durable (finished or stopped).</param>
    public sealed record Pull(string StreamId, string ResumeAfterHex, long Keys, bool Ended)
    {
        public int StreamNumber => int.Parse(StreamId[(StreamId.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Streaming pull started stream_id=(?<id>\S+) source=\S+ ranges=\d+ resume_after=(?<resume>[0-9A-F]*)")]
    private static partial Regex Started();

    [GeneratedRegex(@"Streaming pull (finished|stopped) stream_id=(?<id>\S+) source=\S+ keys=(?<keys>\d+)")]
    private static partial Regex Ended();
}
