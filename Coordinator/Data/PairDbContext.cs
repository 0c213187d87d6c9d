using Microsoft.EntityFrameworkCore;

namespace PairDb.Coordinator.Data;

/// <summary>
/// The coordinator's metadata in PostgreSQL. Every table and column is named explicitly, in the
/// runbook's snake_case, because operators query them by hand (runbook section 5): a convention
/// plug-in renaming something on upgrade would silently break their commands.
/// </summary>
public sealed class PairDbContext : DbContext
{
    public PairDbContext(DbContextOptions<PairDbContext> options)
        : base(options)
    {
    }

    public DbSet<StorageNodeRecord> StorageNodes => Set<StorageNodeRecord>();

    public DbSet<PendingChangeRecord> PendingChanges => Set<PendingChangeRecord>();

    public DbSet<HintRecord> Hints => Set<HintRecord>();

    public DbSet<ApiKeyRecord> ApiKeys => Set<ApiKeyRecord>();

    /// <summary>The one place that says how the context talks to PostgreSQL (host, runner, tools, tests).</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"));

    public static PairDbContext Create(string connectionString) =>
        new(((DbContextOptionsBuilder<PairDbContext>)Configure(new DbContextOptionsBuilder<PairDbContext>(), connectionString)).Options);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        MapStorageNodes(modelBuilder);
        MapPendingChanges(modelBuilder);
        MapHints(modelBuilder);
        MapApiKeys(modelBuilder);
    }

    private static void MapStorageNodes(ModelBuilder modelBuilder)
    {
        var node = modelBuilder.Entity<StorageNodeRecord>();
        node.ToTable("storage_nodes");
        node.HasKey(n => n.NodeId).HasName("pk_storage_nodes");
        node.Property(n => n.NodeId).HasColumnName("node_id").HasMaxLength(128);
        node.Property(n => n.Host).HasColumnName("host").HasMaxLength(255);
        node.Property(n => n.GrpcPort).HasColumnName("grpc_port");
        node.Property(n => n.HttpPort).HasColumnName("http_port");
        node.Property(n => n.Scheme).HasColumnName("scheme").HasColumnType("text").HasDefaultValue("http");
        node.Property(n => n.VirtualNodes).HasColumnName("virtual_nodes");
        node.Property(n => n.Tokens).HasColumnName("tokens").HasColumnType("bigint[]");
        node.Property(n => n.State).HasColumnName("state").HasMaxLength(32);
        node.Property(n => n.Status).HasColumnName("status").HasMaxLength(32);
        node.Property(n => n.Draining).HasColumnName("draining").HasDefaultValue(false);
        node.Property(n => n.CapacityGb).HasColumnName("capacity_gb");
        node.Property(n => n.Incarnation).HasColumnName("incarnation").HasMaxLength(32);
        node.Property(n => n.IncarnationSince).HasColumnName("incarnation_since");
        node.Property(n => n.RetiredIncarnations).HasColumnName("retired_incarnations").HasColumnType("text[]").HasDefaultValueSql("'{}'");
        node.Property(n => n.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        node.Property(n => n.UpdatedAt).HasColumnName("updated_at").HasDefaultValueSql("now()");
        node.HasIndex(n => new { n.Host, n.GrpcPort }).IsUnique().HasDatabaseName("ux_storage_nodes_host_grpc_port");
        node.ToTable(t => t.HasCheckConstraint("ck_storage_nodes_state", "state IN ('NORMAL', 'BOOTSTRAPPING', 'LEAVING')"));
    }

    private static void MapPendingChanges(ModelBuilder modelBuilder)
    {
        var change = modelBuilder.Entity<PendingChangeRecord>();
        change.ToTable("pending_changes");
        change.HasKey(c => c.ChangeId).HasName("pk_pending_changes");
        change.Property(c => c.ChangeId).HasColumnName("change_id").HasMaxLength(64);
        change.Property(c => c.Type).HasColumnName("type").HasMaxLength(32);
        change.Property(c => c.NodeId).HasColumnName("node_id").HasMaxLength(128);
        change.Property(c => c.Status).HasColumnName("status").HasMaxLength(32);
        change.Property(c => c.Progress).HasColumnName("progress");
        change.Property(c => c.StartTime).HasColumnName("start_time").HasDefaultValueSql("now()");
        change.Property(c => c.CompletedAt).HasColumnName("completed_at");
        change.Property(c => c.Details).HasColumnName("details").HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        change.Property(c => c.Error).HasColumnName("error");
        change.Property(c => c.UpdatedAt).HasColumnName("updated_at").HasDefaultValueSql("now()");
        change.HasIndex(c => new { c.Status, c.Type }).HasDatabaseName("ix_pending_changes_status_type");
        change.HasIndex(c => c.NodeId).HasDatabaseName("ix_pending_changes_node_id");
        change.ToTable(t => t.HasCheckConstraint("ck_pending_changes_progress", "progress BETWEEN 0 AND 100"));
    }

    private static void MapHints(ModelBuilder modelBuilder)
    {
        var hint = modelBuilder.Entity<HintRecord>();
        hint.ToTable("hints");
        hint.HasKey(h => h.HintId).HasName("pk_hints");
        hint.Property(h => h.HintId).HasColumnName("hint_id").UseIdentityAlwaysColumn();
        hint.Property(h => h.TargetNodeId).HasColumnName("target_node_id").HasMaxLength(128);
        hint.Property(h => h.TenantId).HasColumnName("tenant_id").HasMaxLength(64);
        hint.Property(h => h.Key).HasColumnName("key");
        hint.Property(h => h.Payload).HasColumnName("payload");
        hint.Property(h => h.PayloadSize).HasColumnName("payload_size");
        hint.Property(h => h.ReplayCount).HasColumnName("replay_count").HasDefaultValue(0);
        hint.Property(h => h.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        hint.Property(h => h.NextAttemptAt).HasColumnName("next_attempt_at").HasDefaultValueSql("now()");
        hint.Property(h => h.LastError).HasColumnName("last_error");
        hint.Property(h => h.HintUid).HasColumnName("hint_uid").HasDefaultValueSql("gen_random_uuid()");
        // The spool mover's ON CONFLICT target: a hint is never in the table twice.
        hint.HasIndex(h => h.HintUid).IsUnique().HasDatabaseName("ux_hints_hint_uid");
        // The replay job's scan: a target's due hints in arrival order.
        hint.HasIndex(h => new { h.TargetNodeId, h.NextAttemptAt }).HasDatabaseName("ix_hints_target_next_attempt");
        // The TTL cleanup's scan.
        hint.HasIndex(h => h.CreatedAt).HasDatabaseName("ix_hints_created_at");
    }

    private static void MapApiKeys(ModelBuilder modelBuilder)
    {
        var key = modelBuilder.Entity<ApiKeyRecord>();
        key.ToTable("api_keys");
        key.HasKey(k => k.KeyId).HasName("pk_api_keys");
        key.Property(k => k.KeyId).HasColumnName("key_id");
        key.Property(k => k.Tenant).HasColumnName("tenant");
        key.Property(k => k.Salt).HasColumnName("salt");
        key.Property(k => k.Hash).HasColumnName("hash");
        key.Property(k => k.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
        key.Property(k => k.ExpiresAt).HasColumnName("expires_at");
        key.Property(k => k.RevokedAt).HasColumnName("revoked_at");
        // The admin API lists and revokes a tenant's keys.
        key.HasIndex(k => k.Tenant).HasDatabaseName("ix_api_keys_tenant");
        key.ToTable(t =>
        {
            t.HasCheckConstraint("ck_api_keys_salt_length", "octet_length(salt) = 16");
            t.HasCheckConstraint("ck_api_keys_hash_length", "octet_length(hash) = 32");
        });
    }
}
