namespace PairDb.Client;

/// <summary>One of the concurrent versions of a value, as a read returns it.</summary>
/// <param name="Value">The value bytes; empty for a tombstone.</param>
/// <param name="IsTombstone">True for a delete that is concurrent with a live value.</param>
/// <param name="ExpiresAt">When the value reads as absent (its TTL); null = never.</param>
public sealed record Sibling(ReadOnlyMemory<byte> Value, bool IsTombstone, DateTimeOffset? ExpiresAt);
