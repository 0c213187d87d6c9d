using System.Net;
using System.Net.Sockets;
using PairDb.Client.Tooling.Cluster;

namespace PairDb.Client.Tests.Cluster;

/// <summary>Finds a base port whose whole local-cluster range is free, below the kernel's ephemeral range.</summary>
internal static class PortRange
{
    public static int FindFree()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var basePort = Random.Shared.Next(20_000, 32_000 - ClusterPorts.Span);
            if (AllFree(basePort, ClusterPorts.Span))
            {
                return basePort;
            }
        }
        Assert.Fail($"no free range of {ClusterPorts.Span} ports in 20000..32000 after 50 tries");
        return 0;
    }

    private static bool AllFree(int first, int count)
    {
        for (var port = first; port < first + count; port++)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException)
            {
                return false;
            }
        }
        return true;
    }
}
