using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PairDb.Client.Tooling;

/// <summary>
/// Picks loopback TCP ports that nothing listens on, for servers the tools and tests start.
/// <para>
/// Ports come from below the kernel's ephemeral range (net.ipv4.ip_local_port_range). A port the kernel
/// hands out as ephemeral can be taken, between the pick and the server's bind, by the local end of any
/// outgoing connection (to PostgreSQL, to another node): the bind then fails with "address already in
/// use". Ports below the range are never handed to outgoing connections, so only another server can take
/// one. Each process walks the range from a random start, so parallel processes (test assemblies, bench
/// runs) rarely meet, and one process never hands a port out twice until it has walked the whole range.
/// </para>
/// </summary>
public static class FreePort
{
    /// <summary>The lowest port handed out: above the registered ports most local services use.</summary>
    private const int LowestPort = 10_000;

    private static readonly (int First, int Count) Range = PickRange();
    private static int _cursor = Random.Shared.Next(Range.Count);

    /// <summary>Returns a port on 127.0.0.1 that nothing listens on now and that this process has not handed out recently.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < Range.Count; attempt++)
        {
            var port = Range.First + (int)((uint)Interlocked.Increment(ref _cursor) % (uint)Range.Count);
            if (CanBind(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free loopback port in {Range.First}-{Range.First + Range.Count - 1}");
    }

    /// <summary>Returns <paramref name="count"/> distinct free ports.</summary>
    public static int[] Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var ports = new int[count];
        for (var i = 0; i < count; i++)
        {
            ports[i] = Next();
        }

        return ports;
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>[LowestPort, start of the ephemeral range), or the ports above it when there is no room below; Linux's default range when it cannot be read.</summary>
    private static (int First, int Count) PickRange()
    {
        var (ephemeralStart, ephemeralEnd) = (32_768, 60_999);
        try
        {
            var fields = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            ephemeralStart = int.Parse(fields[0], CultureInfo.InvariantCulture);
            ephemeralEnd = int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux, or no procfs: keep the default.
        }

        // A machine whose ephemeral range starts low leaves no room below it: use the ports above it instead.
        return ephemeralStart - LowestPort >= 1_000 || ephemeralEnd >= 64_535
            ? (LowestPort, Math.Max(ephemeralStart - LowestPort, 1_000))
            : (ephemeralEnd + 1, 65_535 - ephemeralEnd);
    }
}
