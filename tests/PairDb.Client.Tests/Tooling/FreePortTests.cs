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
}
