using System.Net;
using System.Net.Sockets;
using PairDb.Client.Tooling;

namespace PairDb.Client.Tests.Tooling;

public sealed class FreePortTests
{
    [Test]
    public void Next_Count_ReturnsDistinctPortsThatCanBeBound()
    {
        var ports = FreePort.Next(4);

        Assert.That(ports, Is.Unique);
        foreach (var port in ports)
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            Assert.That(listener.Start, Throws.Nothing, $"port {port}");
            listener.Stop();
        }
    }

    [Test]
    public void Next_IsOutsideTheKernelsEphemeralRange_SoOutgoingConnectionsCannotTakeIt()
    {
        var fields = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var (first, last) = (int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));

        var ports = FreePort.Next(50);

        Assert.That(ports, Is.Unique);
        Assert.That(ports, Has.None.InRange(first, last), $"ephemeral range {first}-{last}");
    }
}
