using System.Globalization;
using PairDb.Chaos.Cluster;
using PairDb.Client.Tooling;

namespace PairDb.Chaos.Network;

/// <summary>
/// Names and addresses of one run: in network mode every process gets a namespace <c>PREFIX-x</c> with one address
/// of <see cref="Subnet"/> on its <c>eth0</c>, joined by a veth pair to the bridge of the hub namespace
/// <c>PREFIX-hub</c>, where the runner itself lives (10.203.0.1). The subnet exists only inside these namespaces,
/// so it cannot collide with the machine's networks or another run's. Each process has the whole port space of its
/// namespace, so the ports are the defaults. Without network everything is on 127.0.0.1 with free ports.
/// </summary>
public sealed class NetworkLayout
{
    public const string NamespacePrefix = "pdbc";
    public const string Subnet = "10.203.0.0/24";
    public const string HubAddress = "10.203.0.1";
    public const string Bridge = "br0";
    public const string MemberInterface = "eth0";
    private const int PostgresPort = 5432;

    private NetworkLayout(string? prefix, IReadOnlyList<Member> members)
    {
        Prefix = prefix;
        Members = members;
    }

    /// <summary>Null without network.</summary>
    public string? Prefix { get; }

    public bool HasNetwork => Prefix is not null;

    public string? Hub => Prefix is null ? null : Prefix + "-hub";

    /// <summary>PostgreSQL, the coordinators, then the nodes.</summary>
    public IReadOnlyList<Member> Members { get; }

    public Member Postgres => Members.Single(m => m.Role == MemberRole.Postgres);

    public IEnumerable<Member> Coordinators => Members.Where(m => m.Role == MemberRole.Coordinator);

    public IEnumerable<Member> Nodes => Members.Where(m => m.Role == MemberRole.Node);

    public Member this[string name] => Members.Single(m => m.Name == name);

    /// <summary>The prefix of the run whose supervisor has <paramref name="pid"/>.</summary>
    public static string PrefixFor(int pid) => NamespacePrefix + pid.ToString(CultureInfo.InvariantCulture);

    public static NetworkLayout InNamespaces(string prefix, int coordinators, int nodes)
    {
        var members = new List<Member> { new("postgres", MemberRole.Postgres, "10.203.0.2", prefix + "-pg", PostgresPort, 0) };
        for (var i = 1; i <= coordinators; i++)
        {
            members.Add(new($"coordinator-{i}", MemberRole.Coordinator, $"10.203.0.{10 + i}", $"{prefix}-c{i}", 8080, 8081));
        }
        for (var i = 1; i <= nodes; i++)
        {
            members.Add(new($"storage-node-{i}", MemberRole.Node, $"10.203.0.{100 + i}", $"{prefix}-n{i}", 8001, 8080));
        }
        return new NetworkLayout(prefix, members);
    }

    public static NetworkLayout OnLoopback(int coordinators, int nodes)
    {
        var ports = FreePort.Next(1 + 2 * (coordinators + nodes));
        var next = 0;
        var members = new List<Member> { new("postgres", MemberRole.Postgres, "127.0.0.1", null, ports[next++], 0) };
        for (var i = 1; i <= coordinators; i++)
        {
            members.Add(new($"coordinator-{i}", MemberRole.Coordinator, "127.0.0.1", null, ports[next++], ports[next++]));
        }
        for (var i = 1; i <= nodes; i++)
        {
            members.Add(new($"storage-node-{i}", MemberRole.Node, "127.0.0.1", null, ports[next++], ports[next++]));
        }
        return new NetworkLayout(null, members);
    }
}
