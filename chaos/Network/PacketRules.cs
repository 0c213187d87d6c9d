using PairDb.Chaos.Cluster;

namespace PairDb.Chaos.Network;

/// <summary>
/// The nemesis's network faults as nftables rules in the receiving namespace's input chain: a partition drops the
/// other side's source addresses on both sides, a one-way partition on one side only, loss drops a random share of
/// what arrives on eth0 (<c>numgen random mod 100 &lt; P</c>). Healing flushes the chain everywhere.
/// </summary>
public sealed class PacketRules(NetworkLayout layout)
{
    /// <summary>Packets from <paramref name="senders"/> never reach <paramref name="receivers"/>.</summary>
    public async Task DropAsync(IEnumerable<Member> senders, IEnumerable<Member> receivers)
    {
        var sources = "{ " + string.Join(", ", senders.Select(s => s.Address)) + " }";
        foreach (var receiver in receivers)
        {
            await Shell.InAsync(receiver.Namespace!, "nft", "add", "rule", "inet", Namespaces.Table, Namespaces.Chain, "ip", "saddr", sources, "drop");
        }
    }

    public async Task PartitionAsync(IReadOnlyList<Member> a, IReadOnlyList<Member> b)
    {
        await DropAsync(a, b);
        await DropAsync(b, a);
    }

    /// <summary>Drops <paramref name="percent"/> % of what arrives on eth0 (100: everything; numgen's range ends at 99).</summary>
    public Task LossAsync(Member receiver, int percent) => percent >= 100
        ? Shell.InAsync(receiver.Namespace!, "nft", "add", "rule", "inet", Namespaces.Table, Namespaces.Chain, "iifname", NetworkLayout.MemberInterface, "drop")
        : Shell.InAsync(receiver.Namespace!, "nft", "add", "rule", "inet", Namespaces.Table, Namespaces.Chain,
            "iifname", NetworkLayout.MemberInterface, "numgen", "random", "mod", "100", "<", percent.ToString(System.Globalization.CultureInfo.InvariantCulture), "drop");

    public async Task HealAsync()
    {
        foreach (var member in layout.Members)
        {
            await Shell.InAsync(member.Namespace!, "nft", "flush", "chain", "inet", Namespaces.Table, Namespaces.Chain);
        }
    }
}
