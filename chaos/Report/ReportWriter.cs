using System.Text.Json;
using System.Text.Json.Serialization;

namespace PairDb.Chaos.Report;

/// <summary>Prints a <see cref="ChaosReport"/> as text for people or as JSON (snake_case) for scripts.</summary>
public static class ReportWriter
{
    private const int CounterExamples = 5;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void WriteJson(TextWriter output, ChaosReport report) => output.WriteLine(JsonSerializer.Serialize(report, Json));

    public static void WriteText(TextWriter output, ChaosReport report)
    {
        output.WriteLine();
        output.WriteLine($"== chaos report: seed {report.Seed}, {report.DurationSeconds}s, {report.Coordinators} coordinator(s), {report.Nodes} nodes, " +
            $"{(report.Network ? "network namespaces" : "loopback, no network faults")}, insecure");
        foreach (var (kind, why) in report.FaultsRefused)
        {
            output.WriteLine($"   refused fault {kind}: {why}");
        }
        if (report.Operations is { } ops)
        {
            output.WriteLine($"operations: {ops.Total}");
            foreach (var (kind, outcomes) in ops.ByKind.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                output.WriteLine($"   {kind,-22} {string.Join("  ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}");
            }
            if (ops.Errors is { Count: > 0 } errors)
            {
                output.WriteLine($"   errors: {string.Join(", ", errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {e.Value}"))}");
            }
        }
        output.WriteLine($"faults injected: {(report.FaultsInjected.Count == 0 ? "none" : string.Join(", ", report.FaultsInjected.Select(f => $"{f.Key} {f.Value}")))}");
        foreach (var fault in report.Faults)
        {
            var when = fault.AppliedAt is { } at ? $"{at,6:0.0}s..{(fault.HealedAt is { } h ? h.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "s" : "?")}" : "not applied";
            output.WriteLine($"   {when,-18} {fault.Description}{(fault.Detail is null ? "" : $" ({fault.Detail})")}{(fault.Error is null ? "" : $" ERROR {fault.Error}")}");
        }
        if (report.Error is { } error)
        {
            output.WriteLine($"RUN FAILED: {error}");
        }
        if (report.Verdict is { } verdict)
        {
            output.WriteLine($"checker: {(verdict.Checker.Valid ? "valid" : "INVALID")}{Counts(verdict.Checker.CountsByKind)}");
            foreach (var finding in verdict.Checker.Findings.Take(CounterExamples))
            {
                output.WriteLine($"   {finding.Kind} {finding.Key}: {finding.Explanation}");
            }
            output.WriteLine(verdict.Hints.Drained
                ? $"hints: drained {verdict.Hints.DrainedAfterSeconds:0.0}s after healing (limit {verdict.Hints.TimeoutSeconds:0}s)"
                : $"hints: NOT drained within {verdict.Hints.TimeoutSeconds:0}s after healing: {verdict.Hints.Last}");
            output.WriteLine(verdict.Convergence.Converged
                ? $"replicas: {verdict.Convergence.KeysChecked} keys converged {verdict.Convergence.ConvergedAfterSeconds:0.0}s after the checks began (limit {verdict.Convergence.TimeoutSeconds:0}s)"
                : $"replicas: {verdict.Convergence.Divergent.Count} keys NOT converged within {verdict.Convergence.TimeoutSeconds:0}s");
            foreach (var finding in verdict.Convergence.Divergent.Take(CounterExamples))
            {
                output.WriteLine($"   {finding.Key}: {finding.Explanation}");
            }
            output.WriteLine($"verdict: {(verdict.Valid ? "VALID" : "INVALID")}");
        }
        output.WriteLine($"run directory: {report.RunDirectory}");
    }

    private static string Counts(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "" : " (" + string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")) + ")";
}
