using System.Net;
using System.Net.Sockets;

namespace PairDb.Client.Tooling;

/// <summary>Picks loopback TCP ports that nothing listens on.</summary>
public static class FreePort
{
    /// <summary>
    /// Asks the kernel for an ephemeral port on 127.0.0.1 and releases it. Another process may take
    /// the port before the caller binds it, so callers that start a server retry on a bind failure.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Returns <paramref name="count"/> distinct free ports.</summary>
    public static int[] Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        // Hold every listener open until all are chosen so the kernel cannot hand out one port twice.
        var listeners = new TcpListener[count];
        var ports = new int[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                listeners[i] = new TcpListener(IPAddress.Loopback, 0);
                listeners[i].Start();
                ports[i] = ((IPEndPoint)listeners[i].LocalEndpoint).Port;
            }
            return ports;
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener?.Stop();
                listener?.Dispose();
            }
        }
    }
}
