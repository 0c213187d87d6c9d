namespace PairDb.Coordinator.Replication.Hints.Spool;

/// <summary>
/// A hint as the spool keeps it. <see cref="Uid"/> is the hint's identity everywhere (the spool's done marks,
/// <c>hints.hint_uid</c>): the same hint written by a late COPY and by the spool mover is one row.
/// </summary>
public sealed record SpooledHint(Guid Uid, string TargetNodeId, string TenantId, byte[] Key, byte[] Payload, DateTimeOffset CreatedAt);
