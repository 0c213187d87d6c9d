namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>
/// Checks that a change resumed from its persisted streams after a crash instead of starting over:
/// from the state persisted when the process died, no stream's keys_copied ever went back, and a
/// stream still copying never went back to an earlier resume point (last_key, in key order).
/// </summary>
internal sealed class StreamResumeCheck
{
    private readonly Dictionary<int, StreamRow> _atCrash = [];
    private readonly List<string> _violations = [];
    private int _observations;
    private long _lastKeysCopied;

    public StreamResumeCheck(ChangeRow atCrash)
    {
        foreach (var stream in atCrash.Streams)
        {
            _atCrash[stream.Id] = stream;
        }
        Assert.That(_atCrash.Values.Any(s => s.KeysCopied > 0), Is.True, $"some stream had persisted progress when the process died: {atCrash}");
    }

    public void Observe(ChangeRow row)
    {
        _observations++;
        _lastKeysCopied = row.KeysCopied;
        foreach (var stream in row.Streams)
        {
            if (!_atCrash.TryGetValue(stream.Id, out var before) || before.Source != stream.Source || before.Target != stream.Target)
            {
                continue;
            }
            if (stream.KeysCopied < before.KeysCopied)
            {
                _violations.Add($"stream {stream.Id} {stream.Source}->{stream.Target}: keys_copied {stream.KeysCopied} < {before.KeysCopied} persisted before the crash");
            }
            if (before.State == "copying" && stream.State == "copying" && stream.LastKeyBytes.AsSpan().SequenceCompareTo(before.LastKeyBytes) < 0)
            {
                _violations.Add($"stream {stream.Id} {stream.Source}->{stream.Target}: last_key went back to {stream.LastKey} from {before.LastKey}");
            }
        }
    }

    public void AssertResumed()
    {
        Assert.That(_observations, Is.GreaterThan(0), "the change was observed after the restart");
        Assert.That(_violations, Is.Empty, "after the crash every stream resumed from its persisted point (nothing restarted from 0)");
    }

    public override string ToString() => $"{_observations} observations after the crash, final keys_copied {_lastKeysCopied}, {_violations.Count} violations";
}
