using Microsoft.Extensions.Options;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Hosting;

public static partial class CoordinatorHost
{
    private static void LogOptions(ILogger logger, IServiceProvider services, MetadataOptions metadata)
    {
        var host = services.GetRequiredService<IOptions<CoordinatorHostOptions>>().Value;
        var ring = services.GetRequiredService<IOptions<RingOptions>>().Value;
        var probe = services.GetRequiredService<IOptions<HealthProbeOptions>>().Value;
        LogHostOptions(logger, host.ListenAddress, host.GrpcPort, host.HttpPort);
        PairDb.Hosting.Security.SecurityLog.Mode(logger, services.GetRequiredService<PairDb.Hosting.Security.HostSecurity>(), host.ListenAddress, host.GrpcPort, host.HttpPort);
        LogRingOptions(logger, ring.ReplicationFactor, ring.DefaultVirtualNodes, ring.MaxVirtualNodes, ring.RefreshInterval);
        LogProbeOptions(logger, probe.Interval, probe.Timeout, probe.FailureThreshold);
        var clock = services.GetRequiredService<IOptions<ClockOptions>>().Value;
        LogClockOptions(logger, clock.MaxOffset, clock.OffsetFreshness);
        LogMetadataOptions(logger, metadata.Redacted());
        var replication = services.GetRequiredService<IOptions<ReplicationOptions>>().Value;
        LogReplicationOptions(logger, replication.DefaultReadQuorum, replication.DefaultWriteQuorum, replication.ReplicaTimeout,
            replication.BreakerFailureRatio, replication.BreakerMinimumThroughput, replication.BreakerBreakDuration, replication.ClientId);
        var hints = services.GetRequiredService<IOptions<HintOptions>>().Value;
        LogHintOptions(logger, hints.ReplayInterval, hints.ReplayBatchSize, hints.ReplayRatePerSecond, hints.MaxReplayAttempts,
            hints.Ttl, hints.CleanupInterval, hints.MaxHintsPerNode);
        LogTenantOptions(logger, services.GetRequiredService<Tenants.TenantConflictModes>().Describe());
        var quotas = services.GetRequiredService<IOptions<QuotaOptions>>().Value;
        LogQuotaOptions(logger, services.GetRequiredService<Tenants.Quotas.TenantQuotas>().Describe(), quotas.StoredBytesRefreshInterval, quotas.IdleEviction);
        var admission = services.GetRequiredService<IOptions<AdmissionOptions>>().Value;
        LogOverloadLimits(logger, admission.MaxInFlightRequests, admission.MaxInFlightBytes, replication.QueueCapacity,
            replication.MaxBatchSize, replication.BatchConcurrency, hints.MaxQueuedHints, hints.MaxQueuedHintBytes);
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Clock options max_offset={MaxOffset} offset_freshness={OffsetFreshness}")]
    private static partial void LogClockOptions(ILogger logger, TimeSpan maxOffset, TimeSpan offsetFreshness);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information,
        Message = "Overload limits max_in_flight_requests={MaxInFlightRequests} max_in_flight_bytes={MaxInFlightBytes} replica_queue_capacity={QueueCapacity} max_batch_size={MaxBatchSize} batch_concurrency={BatchConcurrency} max_queued_hints={MaxQueuedHints} max_queued_hint_bytes={MaxQueuedHintBytes}")]
    private static partial void LogOverloadLimits(ILogger logger, int maxInFlightRequests, long maxInFlightBytes, int queueCapacity, int maxBatchSize, int batchConcurrency, int maxQueuedHints, long maxQueuedHintBytes);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Quota options {Quotas} stored_bytes_refresh_interval={RefreshInterval} idle_eviction={IdleEviction}")]
    private static partial void LogQuotaOptions(ILogger logger, string quotas, TimeSpan refreshInterval, TimeSpan idleEviction);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Tenant options conflict_modes={ConflictModes}")]
    private static partial void LogTenantOptions(ILogger logger, string conflictModes);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information,
        Message = "Replication options default_r={DefaultR} default_w={DefaultW} replica_timeout={ReplicaTimeout} breaker_failure_ratio={FailureRatio} breaker_minimum_throughput={MinimumThroughput} breaker_break_duration={BreakDuration} client_id={ClientId}")]
    private static partial void LogReplicationOptions(ILogger logger, int defaultR, int defaultW, TimeSpan replicaTimeout, double failureRatio, int minimumThroughput, TimeSpan breakDuration, string clientId);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information,
        Message = "Hint options replay_interval={ReplayInterval} replay_batch_size={BatchSize} replay_rate_per_second={Rate} max_replay_attempts={MaxAttempts} ttl={Ttl} cleanup_interval={CleanupInterval} max_hints_per_node={MaxPerNode}")]
    private static partial void LogHintOptions(ILogger logger, TimeSpan replayInterval, int batchSize, int rate, int maxAttempts, TimeSpan ttl, TimeSpan cleanupInterval, long maxPerNode);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Coordinator options listen_address={ListenAddress} grpc_port={GrpcPort} http_port={HttpPort}")]
    private static partial void LogHostOptions(ILogger logger, string listenAddress, int grpcPort, int httpPort);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Ring options replication_factor={ReplicationFactor} default_virtual_nodes={DefaultVirtualNodes} max_virtual_nodes={MaxVirtualNodes} refresh_interval={RefreshInterval}")]
    private static partial void LogRingOptions(ILogger logger, int replicationFactor, int defaultVirtualNodes, int maxVirtualNodes, TimeSpan refreshInterval);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Health probe options interval={Interval} timeout={Timeout} failure_threshold={FailureThreshold}")]
    private static partial void LogProbeOptions(ILogger logger, TimeSpan interval, TimeSpan timeout, int failureThreshold);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Metadata options connection_string={ConnectionString}")]
    private static partial void LogMetadataOptions(ILogger logger, string connectionString);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Ring loaded nodes={Nodes} members={Members}")]
    private static partial void LogRingLoaded(ILogger logger, int nodes, int members);
}
