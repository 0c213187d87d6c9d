using Google.Protobuf;
using PairDb.Contracts.Grpc;

namespace PairDb.Coordinator.Replication;

/// <summary>A validated client write (a put, or a delete when <see cref="Tombstone"/>), tenant already resolved.</summary>
public sealed record WriteCommand(string TenantId, ByteString Key, ByteString Value, bool Tombstone, ByteString Context, long ExpiresAtUnixMs)
{
    /// <summary>The tenant's conflict mode, passed to the coordinating replica. Default siblings.</summary>
    public ConflictMode ConflictMode { get; init; }

    /// <summary>The client's deadline (UTC; <see cref="DateTime.MaxValue"/> for none): a coordinated write not sent by then is not sent.</summary>
    public DateTime Deadline { get; init; } = DateTime.MaxValue;
}
