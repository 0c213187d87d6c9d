using PairDb.Client.Tooling;

namespace PairDb.Chaos.Cluster;

/// <summary>A coordinator or storage node: the spec it starts from, the process running now (null while killed), its clock skew.</summary>
internal sealed class ClusterHost(Member member, HostSpec spec)
{
    public Member Member { get; } = member;

    public HostSpec Spec { get; } = spec;

    public HostProcess? Process { get; set; }

    /// <summary>Minutes the running process's clock is off (libfaketime); 0 when it runs on the real clock.</summary>
    public int SkewMinutes { get; set; }

    public bool Paused { get; set; }
}
