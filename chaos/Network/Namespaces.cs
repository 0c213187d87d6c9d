using System.Globalization;
using System.Text.RegularExpressions;
using PairDb.Client.Tooling;

namespace PairDb.Chaos.Network;

/// <summary>
/// Creates and removes a run's network namespaces (see <see cref="NetworkLayout"/>). Every namespace gets an
/// nftables table <c>inet chaos</c> with an empty input chain, where the nemesis adds its drop rules. Removal kills
/// whatever still runs in a namespace first; namespaces of runs whose supervisor died are removed at the next start.
/// </summary>
public static partial class Namespaces
{
    public const string Table = "chaos";
    public const string Chain = "input";

    /// <summary>Null when network faults can run here; otherwise why not.</summary>
    public static async Task<string?> UnavailableReasonAsync()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            return "network faults need root on Linux (network namespaces and nftables)";
        }
        foreach (var tool in new[] { new[] { "ip", "netns", "list" }, new[] { "nft", "--version" } })
        {
            try
            {
                var result = await Shell.TryAsync(tool);
                if (!result.Succeeded)
                {
                    return $"'{string.Join(' ', tool)}' failed: {result.Output.Trim()}";
                }
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return $"'{tool[0]}' is missing ({e.Message}): apt-get install iproute2 nftables (./pairdb chaos installs them)";
            }
        }
        return null;
    }

    public static async Task CreateAsync(NetworkLayout layout)
    {
        var hub = layout.Hub!;
        await Shell.RunAsync("ip", "netns", "add", hub);
        await Shell.RunAsync("ip", "-n", hub, "link", "set", "lo", "up");
        await Shell.RunAsync("ip", "-n", hub, "link", "add", NetworkLayout.Bridge, "type", "bridge");
        await Shell.RunAsync("ip", "-n", hub, "addr", "add", NetworkLayout.HubAddress + "/24", "dev", NetworkLayout.Bridge);
        await Shell.RunAsync("ip", "-n", hub, "link", "set", NetworkLayout.Bridge, "up");
        foreach (var member in layout.Members)
        {
            var ns = member.Namespace!;
            var veth = "v" + ns[(layout.Prefix!.Length + 1)..];
            await Shell.RunAsync("ip", "netns", "add", ns);
            await Shell.RunAsync("ip", "-n", ns, "link", "set", "lo", "up");
            await Shell.RunAsync("ip", "-n", hub, "link", "add", veth, "type", "veth", "peer", "name", NetworkLayout.MemberInterface, "netns", ns);
            await Shell.RunAsync("ip", "-n", hub, "link", "set", veth, "master", NetworkLayout.Bridge, "up");
            await Shell.RunAsync("ip", "-n", ns, "addr", "add", member.Address + "/24", "dev", NetworkLayout.MemberInterface);
            await Shell.RunAsync("ip", "-n", ns, "link", "set", NetworkLayout.MemberInterface, "up");
            await Shell.InAsync(ns, "nft", "add", "table", "inet", Table);
            await Shell.InAsync(ns, "nft", "add", "chain", "inet", Table, Chain, "{ type filter hook input priority 0 ; policy accept ; }");
        }
    }

    /// <summary>Removes every namespace of <paramref name="prefix"/>, killing what still runs inside; never throws.</summary>
    public static async Task<int> RemoveAsync(string prefix)
    {
        var removed = 0;
        foreach (var ns in await ListAsync())
        {
            if (!ns.StartsWith(prefix + "-", StringComparison.Ordinal))
            {
                continue;
            }
            var pids = await Shell.TryAsync("ip", "netns", "pids", ns);
            foreach (var line in pids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId)
                {
                    UnixSignal.Send(pid, UnixSignal.ContinueSignal);
                    UnixSignal.Send(pid, UnixSignal.KillSignal);
                }
            }
            if ((await Shell.TryAsync("ip", "netns", "del", ns)).Succeeded)
            {
                removed++;
            }
        }
        return removed;
    }

    /// <summary>Removes the namespaces of earlier runs whose supervisor is no longer alive.</summary>
    public static async Task<int> RemoveStaleAsync()
    {
        var removed = 0;
        foreach (var prefix in (await ListAsync()).Select(ns => RunPrefix().Match(ns)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct())
        {
            var pid = int.Parse(prefix[NetworkLayout.NamespacePrefix.Length..], CultureInfo.InvariantCulture);
            if (!Directory.Exists($"/proc/{pid}"))
            {
                removed += await RemoveAsync(prefix);
            }
        }
        return removed;
    }

    private static async Task<IReadOnlyList<string>> ListAsync()
    {
        var result = await Shell.TryAsync("ip", "netns", "list");
        // Lines look like "pdbc123-n1 (id: 4)".
        return result.Succeeded
            ? result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0].Trim()).ToArray()
            : [];
    }

    [GeneratedRegex(@"^(pdbc\d+)-")]
    private static partial Regex RunPrefix();
}
