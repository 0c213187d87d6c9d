namespace PairDb.Contracts.Errors;

/// <summary>
/// Wire error codes (DESIGN.md section 2). The numbers are persisted (hint rows, logs, metrics
/// labels, clients' retry logic): never renumber or reuse one.
/// </summary>
public enum ErrorCode
{
    InvalidArgument = 1000,
    KeyNotFound = 1001,
    KeyTooLarge = 1002,
    ValueTooLarge = 1003,
    InvalidTenantId = 1004,
    InvalidVectorClock = 1005,
    ChecksumFailed = 1006,
    TooManySiblings = 1007,
    ObjectTooLarge = 1008,
    BatchTooLarge = 1009,
    Unauthenticated = 1010,
    PermissionDenied = 1011,
    QuotaExceeded = 1012,

    Internal = 2000,
    NodeNotReady = 2001,
    DiskFull = 2002,
    DiskThrottled = 2003,
    QuorumNotMet = 2004,
    Timeout = 2005,
    Overloaded = 2006,
    RateLimited = 2007,
}
