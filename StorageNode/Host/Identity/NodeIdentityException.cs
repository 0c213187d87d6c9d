namespace PairDb.StorageNode.Identity;

/// <summary>
/// The data directory cannot be used by this process under its configured node id: another process
/// holds it, or it belongs to another node. The node refuses to start; the message says what to do.
/// </summary>
public sealed class NodeIdentityException(string message, Exception? inner = null) : Exception(message, inner);
