namespace PairDb.Engine;

/// <summary>A commit-log segment file; cleanable once every record in it is in a durable SSTable.</summary>
public sealed record CommitLogSegmentInfo(long SegmentId, string FilePath, long SizeBytes, long FirstSequence, long LastSequence);
