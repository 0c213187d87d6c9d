using System.Globalization;
using PairDb.Bench.Load;

namespace PairDb.Bench.Topology;

/// <summary>
/// Prints the figures as tables and one greppable line per target of issue 8: at least 100 MB/s per stream,
/// a 1 GiB bootstrap under 30 s (scaled linearly to the data set used), client p99 during the bootstrap at
/// most twice the p99 before. Returns false when a correctness check failed (a missed target is a figure).
/// </summary>
public static class TopologyReport
{
    public const double TargetMbpsPerStream = 100;
    public const double TargetSecondsPerGib = 30;
    public const double TargetP99Ratio = 2;

    public static bool WriteStreaming(TextWriter output, StreamingResult result, TopologyBenchOptions options)
    {
        var ok = true;
        output.WriteLine();
        output.WriteLine(Inv($"streaming: FetchRanges of the whole ring, {options.Keys:N0} keys x {options.ValueSize} B ({options.DataGib:F2} GiB of values); MB = 10^6 bytes, per stream = its bytes over its own call"));
        output.WriteLine("run        seconds        keys      keys/s  MB moved  MB/s total  MB/s/stream  1st progress s  node mbps peak/mean  metric MB  cores: source target other  target cpu ms/MB");
        foreach (var run in result.Runs)
        {
            output.WriteLine(Inv(
                $"{run.Name,-9} {run.Wall.TotalSeconds,8:F2} {run.Keys,11:N0} {run.KeysPerSecond,11:N0} {run.Bytes / 1e6,9:F1} {run.TotalMegabytesPerSecond,11:F1} {run.MegabytesPerSecondPerStream,12:F1} ") +
                Inv($"{FirstProgress(run),15:F2} {Fig(run.GaugePeakMbps),9}/{Fig(run.GaugeMeanMbps),-9} {Fig(run.MetricBytes / 1e6),10}        {Cores(run.SourceCores)}  {Cores(run.TargetCores)} {Cores(run.OtherCores)}  {Fig(run.TargetCpuMsPerMegabyte),16}"));
            foreach (var stream in run.Streams)
            {
                output.WriteLine(Inv(
                    $"  {stream.StreamId,-12} {stream.Elapsed.TotalSeconds,7:F2} s {stream.Keys,11:N0} keys {stream.MegabytesPerSecond,8:F1} MB/s  estimated {stream.EstimatedKeys:N0}  ") +
                    Inv($"node-reported {Fig(stream.ReportedMbps)} MB/s  {stream.ProgressMessages} progress messages{(stream.Done ? "" : "  NOT DONE")}"));
            }

            if (!run.AllDone || run.Keys != (ulong)options.Keys)
            {
                output.WriteLine(Inv($"  {run.Name}: copied {run.Keys:N0} of {options.Keys:N0} keys{(run.AllDone ? "" : ", a stream ended without done")}: FAILED"));
                ok = false;
            }
        }

        PullRun? one = null, two = null, source = null;
        foreach (var run in result.Runs)
        {
            switch (run.Streams.Count)
            {
                case 1 when run.Name == StreamingBench.SourceOnly: source = run; break;
                case 1: one = run; break;
                default: two = run; break;
            }
        }

        if (one is null)
        {
            output.WriteLine("no FetchRanges run finished");
            return false;
        }

        if (source is not null)
        {
            output.WriteLine(Inv($"(the source row is StreamRange drained by the bench: the source's and transport's ceiling; its target column is the bench's CPU)"));
        }

        var met = one.MegabytesPerSecondPerStream >= TargetMbpsPerStream && (two is null || two.MegabytesPerSecondPerStream >= TargetMbpsPerStream);
        output.WriteLine(Inv(
            $"target stream_mbps_per_stream={one.MegabytesPerSecondPerStream:F1} (>= 100 {Mark(one.MegabytesPerSecondPerStream >= TargetMbpsPerStream)}) ") +
            Inv($"streams2_mbps_per_stream={Fig(two?.MegabytesPerSecondPerStream ?? double.NaN)} (>= 100 {Mark(two is not null && two.MegabytesPerSecondPerStream >= TargetMbpsPerStream)}) ") +
            Inv($"streams2_mbps_total={Fig(two?.TotalMegabytesPerSecond ?? double.NaN)} keys_per_s={one.KeysPerSecond:F0} ") +
            Inv($"node_streaming_throughput_mbps={Fig(one.GaugeMeanMbps)} target_cpu_ms_per_mb={Fig(one.TargetCpuMsPerMegabyte)} data_gib={options.DataGib:F2}: {(met ? "met" : "MISSED")}"));
        return ok;
    }

    public static bool WriteBootstrap(TextWriter output, BootstrapResult result, TopologyBenchOptions options)
    {
        var outcome = result.Outcome;
        var bytes = double.IsNaN(result.BytesMoved) || result.BytesMoved <= 0
            ? outcome.Rebalance?.BytesTransferred ?? double.NaN
            : result.BytesMoved;
        var seconds = result.Duration.TotalSeconds;
        var limit = TargetSecondsPerGib * options.DataGib;
        output.WriteLine();
        output.WriteLine(Inv($"bootstrap of storage-node-4 into 3 nodes holding {options.DataGib:F2} GiB of values (x3 replicas), client load {options.Rate:F0} ops/s"));
        output.WriteLine(Inv(
            $"  status {outcome.Status}, node {outcome.FinalState.ToString().ToUpperInvariant()}; duration {seconds:F2} s ({(outcome.ServerDuration is null ? "observed by polling" : $"completed_at - start_time; polling saw {outcome.Observed.TotalSeconds:F2} s")})"));
        output.WriteLine(Inv(
            $"  moved {Fig(bytes / 1e6)} MB (new node's streaming_bytes_transferred: {Fig(result.BytesMoved / 1e6)} MB; rebalance status: ") +
            Inv($"{(outcome.Rebalance is { } r ? $"{r.BytesTransferred / 1e6:F1} MB, {r.KeysCopied:N0} keys copied, {r.KeysStreamed:N0} streamed, {r.Streams} streams" : "not served")}); ") +
            Inv($"new node's streaming_throughput_mbps peak/mean {Fig(result.GaugePeakMbps)}/{Fig(result.GaugeMeanMbps)}"));
        var mbps = bytes / 1e6 / seconds;
        output.WriteLine(Inv(
            $"target bootstrap_seconds={seconds:F2} (< {limit:F1} = 30 s/GiB x {options.DataGib:F2} GiB {Mark(outcome.Completed && seconds < limit)}) ") +
            Inv($"bytes_moved_mb={Fig(bytes / 1e6)} bootstrap_mbps={Fig(mbps)} status={outcome.Status}: {(outcome.Completed && seconds < limit ? "met" : "MISSED")}"));

        output.WriteLine();
        output.WriteLine("client load (per call; latency from each call's due time)");
        LoadTable.Write(output, [result.Before, result.During]);
        var p99Before = result.Before.Latency.PercentileMs(99);
        var p99During = result.During.Latency.PercentileMs(99);
        var ratio = p99During / p99Before;
        output.WriteLine(Inv(
            $"ratio client_p99 during/before={ratio:F2} (<= 2 {Mark(ratio <= TargetP99Ratio)}) before_ms={p99Before:F2} during_ms={p99During:F2} ") +
            Inv($"during_calls={result.During.Calls} rate={options.Rate:F0}: {(ratio <= TargetP99Ratio ? "met" : "MISSED")}"));
        return outcome.Completed && result.Before.FailedItems == 0 && result.During.FailedItems == 0;
    }

    private static double FirstProgress(PullRun run)
    {
        var max = 0.0;
        foreach (var stream in run.Streams)
        {
            max = Math.Max(max, stream.FirstProgress.TotalSeconds);
        }

        return max;
    }

    private static string Mark(bool ok) => ok ? "ok" : "no";

    private static string Fig(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F1", CultureInfo.InvariantCulture);

    private static string Cores(double value) => double.IsNaN(value) ? "  n/a" : value.ToString("0.00", CultureInfo.InvariantCulture).PadLeft(5);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
