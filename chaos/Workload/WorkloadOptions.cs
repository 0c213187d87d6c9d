using PairDb.Client;

namespace PairDb.Chaos.Workload;

/// <summary>Settings of the chaos workload. Every default is stated on its property.</summary>
public sealed class WorkloadOptions
{
    /// <summary>Concurrent closed-loop clients, spread round-robin over the coordinator endpoints. Default 8.</summary>
    public int Clients { get; set; } = 8;

    /// <summary>Keys in the keyspace; small, so that operations collide. Default 64.</summary>
    public int Keys { get; set; } = 64;

    /// <summary>Seeds every client's choices (client i uses Seed + i). Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>The tenant every operation names; a fresh one per run, so no value predates the run. Default <c>chaos</c>.</summary>
    public string Tenant { get; set; } = "chaos";

    /// <summary>Prefix of key names (<c>PREFIX000</c>...). Default <c>k</c>.</summary>
    public string KeyPrefix { get; set; } = "k";

    /// <summary>
    /// Deadline of each call, so a paused or partitioned process gives an Unknown outcome rather than a
    /// hang. Default 5 seconds.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest pause of a client after failed calls in a row (the pause doubles from 5 ms per failure up to
    /// this), as an application would back off. Without it a client whose coordinator is down spins on instant
    /// "connection refused" answers: some 15,000 operations a second that say nothing and swamp the history.
    /// Default 200 ms.
    /// </summary>
    public TimeSpan MaxFailureBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Consistency of puts and deletes (and of the reads that give them their context). Default QUORUM.</summary>
    public ConsistencyLevel WriteConsistency { get; set; } = ConsistencyLevel.Quorum;

    /// <summary>
    /// TTL of the workload's TTL puts: far longer than any run, so they must all survive it, even on a node
    /// whose clock is skewed hours ahead. Default 3600 seconds.
    /// </summary>
    public TimeSpan LongTtl { get; set; } = TimeSpan.FromSeconds(3600);

    /// <summary>
    /// True: QUORUM_NOT_MET is a definite failure (Fail), as the coordinator promises it only when no
    /// replica can have applied the write, so a value of such a put showing up is reported. False: it is
    /// Unknown like every other UNAVAILABLE. Default true.
    /// </summary>
    public bool QuorumNotMetIsDefinite { get; set; } = true;

    /// <summary>The operation mix.</summary>
    public OperationMix Mix { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (Clients is < 1 or > 1024)
        {
            throw new ArgumentException($"{nameof(Clients)} must be 1..1024 (is {Clients})", nameof(Clients));
        }
        if (Keys is < 1 or > 100_000)
        {
            throw new ArgumentException($"{nameof(Keys)} must be 1..100000 (is {Keys})", nameof(Keys));
        }
        if (string.IsNullOrEmpty(Tenant))
        {
            throw new ArgumentException($"{nameof(Tenant)} must be set", nameof(Tenant));
        }
        if (string.IsNullOrEmpty(KeyPrefix))
        {
            throw new ArgumentException($"{nameof(KeyPrefix)} must be set", nameof(KeyPrefix));
        }
        if (OperationTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(OperationTimeout)} must be positive (is {OperationTimeout})", nameof(OperationTimeout));
        }
        if (MaxFailureBackoff < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(MaxFailureBackoff)} must not be negative (is {MaxFailureBackoff})", nameof(MaxFailureBackoff));
        }
        if (!Enum.IsDefined(WriteConsistency))
        {
            throw new ArgumentException($"{nameof(WriteConsistency)} is not a consistency level (is {WriteConsistency})", nameof(WriteConsistency));
        }
        if (LongTtl < TimeSpan.FromSeconds(1) || LongTtl.TotalSeconds > int.MaxValue)
        {
            throw new ArgumentException($"{nameof(LongTtl)} must be at least 1 second (is {LongTtl})", nameof(LongTtl));
        }
        ArgumentNullException.ThrowIfNull(Mix, nameof(Mix));
        Mix.Validate();
    }

    internal string KeyName(int index) => KeyPrefix + index.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
}
