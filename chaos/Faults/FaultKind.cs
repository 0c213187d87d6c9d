namespace PairDb.Chaos.Faults;

/// <summary>What the nemesis can do to the cluster (chaos/README.md describes each mechanism).</summary>
public enum FaultKind
{
    /// <summary>Two sides that drop each other's packets (nftables in each receiving namespace).</summary>
    Partition,

    /// <summary>Packets from one side are dropped at the other; the reverse direction still flows.</summary>
    OneWayPartition,

    /// <summary>A share of the packets a process receives is dropped (nftables numgen).</summary>
    Loss,

    /// <summary>SIGSTOP for longer than every timeout, then SIGCONT.</summary>
    Pause,

    /// <summary>SIGKILL, and a restart when the fault ends.</summary>
    Kill,

    /// <summary>A restart under libfaketime with the clock minutes to hours off; restored by a restart at heal.</summary>
    ClockSkew,

    /// <summary>A node's data directory (a small tmpfs) filled to ENOSPC by a ballast file; heal removes it.</summary>
    DiskFull,
}

/// <summary>The command-line names of <see cref="FaultKind"/> and what each needs.</summary>
public static class FaultKinds
{
    private static readonly (FaultKind Kind, string Name)[] Names =
    [
        (FaultKind.Partition, "partition"), (FaultKind.OneWayPartition, "one-way"), (FaultKind.Loss, "loss"),
        (FaultKind.Pause, "pause"), (FaultKind.Kill, "kill"), (FaultKind.ClockSkew, "skew"), (FaultKind.DiskFull, "disk-full"),
    ];

    public static string Name(FaultKind kind) => Names.First(n => n.Kind == kind).Name;

    public static bool NeedsNetwork(FaultKind kind) => kind is FaultKind.Partition or FaultKind.OneWayPartition or FaultKind.Loss;

    public static bool NeedsRoot(FaultKind kind) => NeedsNetwork(kind) || kind == FaultKind.DiskFull;

    /// <summary>Parses <c>partition,kill</c>, <c>all</c> or <c>none</c>; throws naming an unknown word.</summary>
    public static IReadOnlyList<FaultKind> ParseList(string list)
    {
        var kinds = new List<FaultKind>();
        foreach (var word in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (word == "all")
            {
                kinds.AddRange(Enum.GetValues<FaultKind>());
            }
            else if (word != "none")
            {
                var match = Names.FirstOrDefault(n => n.Name == word || (word == "clock-skew" && n.Kind == FaultKind.ClockSkew));
                if (match.Name is null)
                {
                    throw new ArgumentException($"unknown fault '{word}' (known: {string.Join(", ", Names.Select(n => n.Name))}, all, none)");
                }
                kinds.Add(match.Kind);
            }
        }
        return kinds.Distinct().Order().ToArray();
    }
}
