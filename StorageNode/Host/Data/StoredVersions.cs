using PairDb.Contracts.Versioning;

namespace PairDb.StorageNode.Data;

/// <summary>A key's sibling set and its serialized form (what the engine holds and the wire carries).</summary>
public readonly record struct StoredVersions(SiblingSet Set, byte[] Bytes);
