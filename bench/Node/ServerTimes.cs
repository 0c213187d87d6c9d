using System.Globalization;

namespace PairDb.Bench.Node;

/// <summary>
/// The node's own write_duration_seconds and read_duration_seconds totals from its /metrics (all label sets
/// summed): the difference of two snapshots gives the mean time a call spent inside the node's handler, from
/// validation to durable write, which set beside the client's mean shows what transport and queueing cost.
/// </summary>
public readonly record struct ServerTimes(double WriteSeconds, double WriteCalls, double ReadSeconds, double ReadCalls)
{
    public static async Task<ServerTimes?> ScrapeAsync(HttpClient http, Uri admin, CancellationToken cancellationToken)
    {
        try
        {
            var text = await http.GetStringAsync(new Uri(admin, "/metrics"), cancellationToken);
            return Parse(text);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public static ServerTimes Parse(string text)
    {
        double writeSum = 0, writeCount = 0, readSum = 0, readCount = 0;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range.Start.Value, range.End.Value - range.Start.Value);
            if (line.StartsWith("write_duration_seconds_sum"))
            {
                writeSum += Value(line);
            }
            else if (line.StartsWith("write_duration_seconds_count"))
            {
                writeCount += Value(line);
            }
            else if (line.StartsWith("read_duration_seconds_sum"))
            {
                readSum += Value(line);
            }
            else if (line.StartsWith("read_duration_seconds_count"))
            {
                readCount += Value(line);
            }
        }

        return new ServerTimes(writeSum, writeCount, readSum, readCount);
    }

    /// <summary>Mean milliseconds per call between <paramref name="before"/> and this snapshot, for writes or reads.</summary>
    public double MeanMsSince(ServerTimes before, bool writes)
    {
        var (seconds, calls) = writes
            ? (WriteSeconds - before.WriteSeconds, WriteCalls - before.WriteCalls)
            : (ReadSeconds - before.ReadSeconds, ReadCalls - before.ReadCalls);
        return calls > 0 ? seconds * 1000 / calls : double.NaN;
    }

    /// <summary>The sample value: the field after the closing brace of the labels (a timestamp may follow).</summary>
    private static double Value(ReadOnlySpan<char> line)
    {
        var labelsEnd = line.LastIndexOf('}');
        var rest = (labelsEnd >= 0 ? line[(labelsEnd + 1)..] : line[line.IndexOf(' ')..]).Trim();
        var space = rest.IndexOf(' ');
        var number = space >= 0 ? rest[..space] : rest;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }
}
