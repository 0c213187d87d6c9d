using YamlDotNet.RepresentationModel;

namespace PairDb.Client.Tests.Deploy;

/// <summary>deploy/prometheus/alerts.yml against the runbook's Appendix A and the exported metrics.</summary>
public sealed class PrometheusRulesTests
{
    /// <summary>Appendix A of storage-node-operations.md, rule by rule.</summary>
    private static readonly (string Alert, string Expr, string For, string Severity, string Summary, string Description)[] AppendixA =
    [
        ("DiskUsageHigh", "disk_usage_percent > 80", "5m", "warning",
            "Disk usage high on {{ $labels.node }}", "Disk usage is {{ $value }}%"),
        ("DiskThrottled", "disk_usage_percent > 90", "1m", "critical",
            "Disk throttled on {{ $labels.node }}", "Disk usage is {{ $value }}%, writes throttled"),
        ("DiskCircuitBreakerEngaged", "disk_usage_percent >= 95", "1m", "critical",
            "Disk circuit breaker engaged on {{ $labels.node }}", "Disk usage is {{ $value }}%, all writes rejected"),
        ("HighChecksumFailureRate", "rate(checksum_failures_total[5m]) > 10", "5m", "warning",
            "High checksum failure rate on {{ $labels.node }}", "Checksum failures: {{ $value }}/sec"),
        ("HighWriteLatency", "histogram_quantile(0.99, rate(write_duration_seconds_bucket[5m])) > 0.1", "5m", "warning",
            "High write latency on {{ $labels.node }}", "P99 write latency: {{ $value }}s"),
    ];

    private static List<YamlMappingNode> Rules() =>
        [.. DeployFiles.ReadYaml("deploy/prometheus/alerts.yml").Single()
            .Seq("groups").Children.Cast<YamlMappingNode>()
            .SelectMany(g => g.Seq("rules").Children.Cast<YamlMappingNode>())];

    [Test]
    public void Groups_AreTheRunbooksStorageNodeAlerts()
    {
        var groups = DeployFiles.ReadYaml("deploy/prometheus/alerts.yml").Single().Seq("groups").Children.Cast<YamlMappingNode>();

        Assert.That(groups.Select(g => g.Text("name")), Is.EqualTo(new[] { "storage_node_alerts" }));
    }

    [Test]
    public void Rules_AreAppendixAVerbatim()
    {
        var actual = Rules().Select(r => (
            r.Text("alert"),
            r.Text("expr"),
            r.Text("for"),
            r.Map("labels").Text("severity"),
            r.Map("annotations").Text("summary"),
            r.Map("annotations").Text("description"))).ToList();

        Assert.That(actual, Is.EqualTo(AppendixA));
    }

    [Test]
    public void Expressions_UseOnlyExportedMetrics()
    {
        foreach (var rule in Rules())
        {
            var metrics = PromQl.MetricNames(rule.Text("expr"));
            Assert.That(metrics, Is.Not.Empty, $"{rule.Text("alert")} names a metric");
            foreach (var metric in metrics)
            {
                Assert.That(KnownMetrics.IsExported(metric), Is.True, $"{rule.Text("alert")}: {metric} is exported (KnownMetrics)");
            }
        }
    }

    [TestCase("histogram_quantile(0.99, rate(write_duration_seconds_bucket[5m])) > 0.1", new[] { "write_duration_seconds_bucket" })]
    [TestCase("sum(rate(errors_total{node=\"a\", error_code=~\"2.*\"}[5m])) by (error_code)", new[] { "errors_total" })]
    [TestCase("sum(rate(cache_hits_total[5m])) / sum(rate(cache_requests_total[5m]))", new[] { "cache_hits_total", "cache_requests_total" })]
    [TestCase("disk_usage_percent >= 95", new[] { "disk_usage_percent" })]
    public void MetricNames_Expression_NamesItsSeriesOnly(string expression, string[] expected)
    {
        Assert.That(PromQl.MetricNames(expression), Is.EqualTo(expected));
    }

    [Test]
    public void IsExported_HistogramSuffixesAndUnknownNames()
    {
        Assert.That(KnownMetrics.IsExported("write_duration_seconds_bucket"), Is.True);
        Assert.That(KnownMetrics.IsExported("write_duration_seconds_total"), Is.False);
        Assert.That(KnownMetrics.IsExported("disk_usage_ratio"), Is.False);
    }
}
