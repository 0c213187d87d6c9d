using System.Text.Json;

namespace PairDb.Client.Tests.Deploy;

/// <summary>deploy/grafana/pairdb-dashboard.json holds the panels of runbook section 6.2.</summary>
public sealed class GrafanaDashboardTests
{
    /// <summary>Runbook 6.2 "Key Metrics Dashboard": panel title and its PromQL, in order.</summary>
    private static readonly (string Title, string Expr)[] Section62 =
    [
        ("Write throughput", "sum(rate(write_requests_total[5m])) by (node)"),
        ("Write latency (p99)", "histogram_quantile(0.99, rate(write_duration_seconds_bucket[5m]))"),
        ("Read throughput", "sum(rate(read_requests_total[5m])) by (node)"),
        ("Read latency (p99)", "histogram_quantile(0.99, rate(read_duration_seconds_bucket[5m]))"),
        ("Cache hit rate", "sum(rate(cache_hits_total[5m])) / sum(rate(cache_requests_total[5m]))"),
        ("Disk usage", "disk_usage_percent"),
        ("Error rate by code", "sum(rate(errors_total[5m])) by (error_code)"),
    ];

    private JsonElement _dashboard;

    [OneTimeSetUp]
    public void Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DeployFiles.PathOf("deploy/grafana/pairdb-dashboard.json")));
        _dashboard = document.RootElement.Clone();
    }

    private IEnumerable<JsonElement> Panels => _dashboard.GetProperty("panels").EnumerateArray();

    [Test]
    public void Panels_AreRunbookSection62()
    {
        var actual = Panels.Select(p => (
            p.GetProperty("title").GetString()!,
            p.GetProperty("targets").EnumerateArray().Single().GetProperty("expr").GetString()!)).ToList();

        Assert.That(actual, Is.EqualTo(Section62));
    }

    [Test]
    public void Panels_UseOnlyExportedMetrics()
    {
        foreach (var panel in Panels)
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                foreach (var metric in PromQl.MetricNames(target.GetProperty("expr").GetString()!))
                {
                    Assert.That(KnownMetrics.IsExported(metric), Is.True, $"{panel.GetProperty("title")}: {metric} is exported (KnownMetrics)");
                }
            }
        }
    }

    [Test]
    public void Dashboard_HasIdentityAndUniquePanelIds()
    {
        Assert.That(_dashboard.GetProperty("uid").GetString(), Is.Not.Empty);
        Assert.That(_dashboard.GetProperty("title").GetString(), Does.Contain("pairdb"));
        Assert.That(Panels.Select(p => p.GetProperty("id").GetInt32()), Is.Unique);
        Assert.That(Panels.Select(p => p.GetProperty("targets")[0].GetProperty("refId").GetString()), Is.All.Not.Empty);
    }

    [Test]
    public void Panels_DoNotOverlapOnTheGrid()
    {
        var boxes = Panels.Select(p => p.GetProperty("gridPos"))
            .Select(g => (X: g.GetProperty("x").GetInt32(), Y: g.GetProperty("y").GetInt32(), W: g.GetProperty("w").GetInt32(), H: g.GetProperty("h").GetInt32()))
            .ToList();

        for (var i = 0; i < boxes.Count; i++)
        {
            Assert.That(boxes[i].X + boxes[i].W, Is.LessThanOrEqualTo(24), $"panel {i} fits the 24-column grid");
            for (var j = i + 1; j < boxes.Count; j++)
            {
                var overlap = boxes[i].X < boxes[j].X + boxes[j].W && boxes[j].X < boxes[i].X + boxes[i].W
                    && boxes[i].Y < boxes[j].Y + boxes[j].H && boxes[j].Y < boxes[i].Y + boxes[i].H;
                Assert.That(overlap, Is.False, $"panels {i} and {j} overlap");
            }
        }
    }
}
