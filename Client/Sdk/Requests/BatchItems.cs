namespace PairDb.Client;

/// <summary>One write of a <see cref="PairDbClient.BatchPutAsync"/>.</summary>
/// <param name="TenantId">The tenant, <c>[A-Za-z0-9_-]{1,64}</c>.</param>
/// <param name="Key">The key bytes.</param>
/// <param name="Value">The value bytes.</param>
/// <param name="Context">The context of an earlier read of this key; empty for a blind write.</param>
public sealed record PutItem(string TenantId, ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value, ReadOnlyMemory<byte> Context = default);

/// <summary>One read of a <see cref="PairDbClient.BatchGetAsync"/>.</summary>
public sealed record GetItem(string TenantId, ReadOnlyMemory<byte> Key);

/// <summary>One delete of a <see cref="PairDbClient.BatchDeleteAsync"/>.</summary>
public sealed record DeleteItem(string TenantId, ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Context = default);
