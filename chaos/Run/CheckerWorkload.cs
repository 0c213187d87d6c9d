using PairDb.Chaos.Checking;
using PairDb.Chaos.History;
using PairDb.Chaos.Workload;

namespace PairDb.Chaos.Run;

/// <summary>Builds the workload the runner drives.</summary>
public static class ChaosWorkloads
{
    public static IChaosWorkload Create(WorkloadSettings settings) => new CheckerWorkload(settings);
}

/// <summary>The `checker` branch's <see cref="ChaosWorkload"/> and <see cref="HistoryChecker"/> behind the runner's seam.</summary>
internal sealed class CheckerWorkload(WorkloadSettings settings) : IChaosWorkload
{
    private readonly WorkloadOptions _options = new() { Seed = settings.Seed, Clients = settings.Clients };
    private ChaosWorkload? _workload;
    private History.History? _history;

    public string Tenant => _options.Tenant;

    public IReadOnlyCollection<string> KeysTouched =>
        _history?.Operations.Where(o => o.Kind != OpKind.Read).Select(o => o.Key).Distinct(StringComparer.Ordinal).ToArray() ?? [];

    public async Task<OperationCounts> RunAsync(TimeSpan duration, Action<WorkloadTick> progress, CancellationToken ct)
    {
        _workload = new ChaosWorkload(_options, settings.Endpoints, settings.ClientFactory);
        _history = await _workload.RunAsync(duration, p => progress(new WorkloadTick(p.Operations, p.Ok, p.Fail, p.Unknown)), ct);
        var byKind = _history.Operations.GroupBy(KindName, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, long>)g.GroupBy(o => o.Outcome.ToString().ToLowerInvariant()).ToDictionary(o => o.Key, o => (long)o.Count()),
            StringComparer.Ordinal);
        var errors = _history.Operations.Where(o => o.Outcome != OpOutcome.Ok)
            .GroupBy(o => $"{o.Outcome.ToString().ToLowerInvariant()} {o.ErrorCode ?? "-"}", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        if (settings.HistoryPath is { } path)
        {
            // The whole history, so a run's verdict can be re-checked and its counter-examples read in context.
            await File.WriteAllTextAsync(path, _history.ToJson(), CancellationToken.None);
        }
        return new OperationCounts(byKind, errors);
    }

    public async Task<CheckOutcome> CheckAsync(TimeSpan finalReadTimeout, CancellationToken ct)
    {
        var history = _history ?? throw new InvalidOperationException("check after a run");
        var final = await _workload!.ReadFinalStateAsync(finalReadTimeout, ct);
        var verdict = new HistoryChecker().Check(history, final);
        var findings = verdict.Anomalies.Select(a => new Finding(a.Kind, a.Key ?? "-",
            a.Explanation + (a.Operations.Count == 0 ? "" : " | " + string.Join("; ", a.Operations.Where(i => i < history.Operations.Count).Select(i => history.Operations[i].Describe()))))).ToArray();
        return new CheckOutcome(verdict.Valid, findings, verdict.Counts);
    }

    private static string KindName(Operation o) => o.Kind switch
    {
        OpKind.Put when o.TtlSeconds is not null => "put-ttl",
        OpKind.Put => o.WithContext ? "put-with-context" : "put-blind",
        OpKind.Delete => "delete",
        _ => "read-" + o.Consistency.ToString().ToLowerInvariant(),
    };
}
