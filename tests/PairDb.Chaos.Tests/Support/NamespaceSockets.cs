using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PairDb.Chaos.Tests.Support;

/// <summary>
/// Sockets created inside a network namespace from this process: setns(2) moves only the calling thread, and a
/// socket belongs to the namespace of the thread that created it for its whole life, so a short-lived thread enters
/// the namespace, creates the socket and ends. No helper process (nc, python) is needed.
/// </summary>
internal static class NamespaceSockets
{
    private const int CloneNewNet = 0x40000000;

    public static Socket Create(string ns, SocketType type, ProtocolType protocol)
    {
        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{ns}");
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns into {ns} failed: errno {Marshal.GetLastPInvokeError()}");
                }
                socket = new Socket(AddressFamily.InterNetwork, type, protocol);
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"no socket in {ns}", error);
    }

    /// <summary>A TCP listener on <paramref name="address"/>:<paramref name="port"/> inside <paramref name="ns"/>, accepting and closing connections.</summary>
    public static Socket Listen(string ns, string address, int port)
    {
        var socket = Create(ns, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), port));
        socket.Listen(16);
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var accepted = await socket.AcceptAsync();
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
        return socket;
    }

    /// <summary>True when a TCP connection from inside <paramref name="ns"/> to the address is set up within <paramref name="timeout"/>.</summary>
    public static async Task<bool> CanConnectAsync(string ns, string address, int port, TimeSpan timeout)
    {
        using var socket = Create(ns, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(address), port, deadline.Token);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return false;
        }
    }

    private static readonly TimeSpan ResendInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>True when a UDP datagram from <paramref name="fromNs"/> reaches a socket bound in <paramref name="toNs"/> within <paramref name="timeout"/>.</summary>
    public static async Task<bool> DatagramArrivesAsync(string fromNs, string toNs, string toAddress, int port, TimeSpan timeout)
    {
        using var receiver = Create(toNs, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Parse(toAddress), port));
        using var sender = Create(fromNs, SocketType.Dgram, ProtocolType.Udp);
        var buffer = new byte[16];
        using var deadline = new CancellationTokenSource(timeout);
        var receive = receiver.ReceiveAsync(buffer, SocketFlags.None, deadline.Token).AsTask();
        // Resent while unanswered, until the deadline: one datagram may be lost in the ARP exchange the first time
        // two namespaces talk. Each send waits for the datagram's arrival (the condition), at most one resend interval.
        while (!receive.IsCompleted && !deadline.IsCancellationRequested)
        {
            await sender.SendToAsync(new byte[] { 1 }, SocketFlags.None, new IPEndPoint(IPAddress.Parse(toAddress), port));
            try
            {
                await receive.WaitAsync(ResendInterval);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                // Not arrived within the interval (resend), or the deadline passed (the loop ends, the await below says so).
            }
        }
        try
        {
            await receive;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static int SetNs(int fd, int nstype) => NativeMethods.setns(fd, nstype);

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the test assembly for one int-only call.
        internal static extern int setns(int fd, int nstype);
#pragma warning restore SYSLIB1054
    }
}
