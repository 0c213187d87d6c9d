using NUnit.Framework;

namespace PairDb.Testing.Runbook;

/// <summary>
/// Every SQL statement printed in runbook section 5 (storage-node-operations.md, "Node Lifecycle
/// Operations"), copied verbatim, placeholders included: an operator pastes them as printed, so they
/// must run as printed. <see cref="Fill"/> fills the placeholders the way an operator does.
/// </summary>
public static class RunbookSql
{
    public const string BootstrapChanges = "SELECT change_id, type, status, progress FROM pending_changes WHERE type='bootstrap';";

    public const string DecommissionChanges = "SELECT change_id, type, status, progress FROM pending_changes WHERE type='decommission';";

    public const string CompletedDecommissions = "SELECT change_id, completed_at FROM pending_changes WHERE type='decommission' AND status='completed';";

    public const string ActiveTopologyChanges = """
        SELECT
          change_id,
          type,
          node_id,
          status,
          start_time,
          EXTRACT(EPOCH FROM (NOW() - start_time)) AS duration_seconds
        FROM pending_changes
        WHERE status = 'in_progress';
        """;

    public const string HintBacklog = """
        SELECT
          target_node_id,
          COUNT(*) AS hint_count,
          MIN(created_at) AS oldest_hint,
          MAX(created_at) AS newest_hint
        FROM hints
        GROUP BY target_node_id;
        """;

    public const string NodeStates = """
        SELECT
          node_id,
          state,
          status,
          created_at,
          updated_at
        FROM storage_nodes
        ORDER BY created_at;
        """;

    public const string StuckBootstrap = "SELECT * FROM pending_changes WHERE node_id='<node-id>' AND type='bootstrap';";

    public const string ForceRollback = "UPDATE pending_changes SET status='failed' WHERE change_id='<change-id>';";

    public const string RemoveNodeMetadata = "DELETE FROM storage_nodes WHERE node_id='<node-id>';";

    public const string HintsOfNode = """
        SELECT
          hint_id,
          target_node_id,
          replay_count,
          created_at
        FROM hints
        WHERE target_node_id = '<node-id>'
        ORDER BY created_at DESC
        LIMIT 10;
        """;

    public const string DeleteOldFailedHints = "DELETE FROM hints WHERE replay_count >= 3 AND created_at < NOW() - INTERVAL '7 days';";

    public const string CompletedChangesPastGrace = """
        SELECT
          change_id,
          type,
          status,
          completed_at,
          EXTRACT(EPOCH FROM (NOW() - completed_at))/3600 AS hours_since_completion
        FROM pending_changes
        WHERE status = 'completed'
          AND completed_at < NOW() - INTERVAL '24 hours';
        """;

    public const string NormalNodes = "SELECT node_id, state FROM storage_nodes WHERE state='NORMAL';";

    public const string ForceCleanup = "DELETE FROM pending_changes WHERE change_id='<change-id>';";

    /// <summary>Every statement, named, as NUnit cases.</summary>
    public static IEnumerable<TestCaseData> All()
    {
        yield return Case(nameof(BootstrapChanges), BootstrapChanges);
        yield return Case(nameof(DecommissionChanges), DecommissionChanges);
        yield return Case(nameof(CompletedDecommissions), CompletedDecommissions);
        yield return Case(nameof(ActiveTopologyChanges), ActiveTopologyChanges);
        yield return Case(nameof(HintBacklog), HintBacklog);
        yield return Case(nameof(NodeStates), NodeStates);
        yield return Case(nameof(StuckBootstrap), StuckBootstrap);
        yield return Case(nameof(ForceRollback), ForceRollback);
        yield return Case(nameof(RemoveNodeMetadata), RemoveNodeMetadata);
        yield return Case(nameof(HintsOfNode), HintsOfNode);
        yield return Case(nameof(DeleteOldFailedHints), DeleteOldFailedHints);
        yield return Case(nameof(CompletedChangesPastGrace), CompletedChangesPastGrace);
        yield return Case(nameof(NormalNodes), NormalNodes);
        yield return Case(nameof(ForceCleanup), ForceCleanup);
    }

    /// <summary>Fills the runbook's placeholders <c>&lt;node-id&gt;</c> and <c>&lt;change-id&gt;</c>.</summary>
    public static string Fill(string sql, string? nodeId = null, string? changeId = null)
    {
        var filled = sql;
        if (nodeId is not null)
        {
            filled = filled.Replace("<node-id>", nodeId, StringComparison.Ordinal);
        }
        if (changeId is not null)
        {
            filled = filled.Replace("<change-id>", changeId, StringComparison.Ordinal);
        }
        return filled;
    }

    private static TestCaseData Case(string name, string sql) => new TestCaseData(sql).SetArgDisplayNames(name);
}
