namespace PairDb.StorageNode.Rpc;

/// <summary>Values of the <c>operation</c> label on write metrics.</summary>
internal static class Operations
{
    public const string CoordinatedWrite = "coordinated_write";
    public const string Delete = "delete";
    public const string ReplicaWrite = "replica_write";
    public const string Repair = "repair";
}
