using System.Text.Json;
using PairDb.Client.Cli;

namespace PairDb.Client.Tests.Cli;

/// <summary>The one-line health that <c>./pairdb status</c> prints next to each node.</summary>
public sealed class NodeHealthTests
{
    [Test]
    public void Describe_ReadOnlyNode_NamesOperationFileErrorAndWhatTheResumeWaitsFor()
    {
        using var report = JsonDocument.Parse("""
            {"status":"unhealthy","disk_status":{"status":"circuit_broken","engaged_by":"available_bytes"},
             "read_only":{"since":"2026-12-04T15:00:00+00:00","operation":"commitlog_preallocate","file":"/data/commitlog/segment-7.log",
                          "error":"No space left on device","disk_full":true,"waiting_for":"disk space","resume_error":null}}
            """);

        Assert.That(NodeHealth.Describe(report), Is.EqualTo(
            "READ-ONLY since 2026-12-04T15:00:00+00:00: commitlog_preallocate failed on /data/commitlog/segment-7.log: No space left on device; resume waits for disk space"));
    }

    [TestCase("""{"status":"unhealthy","disk_status":{"status":"circuit_broken","engaged_by":"usage_percent,available_bytes"},"read_only":null}""", "disk circuit_broken (usage_percent and available_bytes)")]
    [TestCase("""{"status":"degraded","disk_status":{"status":"throttled"}}""", "disk throttled")]
    [TestCase("""{"status":"healthy","disk_status":{"status":"ok"},"read_only":null}""", "healthy")]
    public void Describe_WritableNode_DiskStatusOrStatus(string json, string expected)
    {
        using var report = JsonDocument.Parse(json);

        Assert.That(NodeHealth.Describe(report), Is.EqualTo(expected));
    }

    [Test]
    public void Describe_NoReport_SaysSo() => Assert.That(NodeHealth.Describe(null), Is.EqualTo("no answer from /health"));
}
