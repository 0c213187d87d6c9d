using System.Diagnostics;
using System.Globalization;

namespace PairDb.Bench.Topology;

/// <summary>
/// Reads one figure from a host's Prometheus <c>/metrics</c>: the sum over every series whose name starts
/// with a prefix. A prefix rather than the exact name because the exporter may append a unit or
/// <c>_total</c> (<c>streaming_bytes_transferred_total</c> can surface as <c>..._bytes_total</c>).
/// </summary>
public static class MetricsScrape
{
    /// <summary>The sum, or null when the host did not answer or exports no such series.</summary>
    public static async Task<double?> SumAsync(HttpClient http, Uri admin, string prefix, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await http.GetStringAsync(new Uri(admin, "/metrics"), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return Sum(text, prefix);
    }

    public static double? Sum(string text, string prefix)
    {
        double sum = 0;
        var found = false;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range.Start.Value, range.End.Value - range.Start.Value);
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var nameEnd = line.IndexOfAny('{', ' ');
            if (nameEnd < 0 || line[..nameEnd].EndsWith("_created", StringComparison.Ordinal))
            {
                continue;
            }

            var labelsEnd = line.LastIndexOf('}');
            var rest = line[(labelsEnd >= 0 ? labelsEnd + 1 : nameEnd)..].Trim();
            var space = rest.IndexOf(' ');
            var number = space >= 0 ? rest[..space] : rest;
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum += value;
                found = true;
            }
        }

        return found ? sum : null;
    }

    /// <summary>
    /// Waits, at most <paramref name="limit"/>, until no host reports a running compaction, so a timed part is
    /// not measured against the compactions a load left behind; returns how long it waited.
    /// </summary>
    public static async Task<TimeSpan> WaitForNoCompactionAsync(HttpClient http, IReadOnlyList<Uri> admins, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (Stopwatch.GetElapsedTime(started) < limit && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var running = 0.0;
            foreach (var admin in admins)
            {
                running += await SumAsync(http, admin, "compaction_running", cancellationToken) ?? 0;
            }

            if (running <= 0)
            {
                break;
            }
        }

        return Stopwatch.GetElapsedTime(started);
    }
}
