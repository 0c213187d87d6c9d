using System.Net.Sockets;
using System.Text;

namespace PairDb.Testing;

/// <summary>
/// Answers "is a Docker engine reachable?" within a bounded time, without Testcontainers' own
/// discovery (which can take many seconds when only the docker client is installed).
/// </summary>
public static class DockerEngine
{
    private const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>True when the engine named by DOCKER_HOST (default: the unix socket) answers GET /_ping with 200.</summary>
    public static async Task<bool> AnswersAsync(TimeSpan timeout)
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        EndPointInfo? endpoint = Parse(string.IsNullOrEmpty(dockerHost) ? "unix://" + DefaultSocket : dockerHost);
        if (endpoint is null)
        {
            return false;
        }
        if (endpoint.UnixPath is not null && !File.Exists(endpoint.UnixPath))
        {
            return false;
        }
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            using var socket = endpoint.UnixPath is not null
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            if (endpoint.UnixPath is not null)
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint.UnixPath), deadline.Token);
            }
            else
            {
                await socket.ConnectAsync(endpoint.Host!, endpoint.Port, deadline.Token);
            }
            await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), SocketFlags.None, deadline.Token);
            var buffer = new byte[64];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            var status = Encoding.ASCII.GetString(buffer, 0, read);
            return status.StartsWith("HTTP/1.", StringComparison.Ordinal) && status.Length >= 12 && status[9..12] == "200";
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private static EndPointInfo? Parse(string dockerHost)
    {
        if (dockerHost.StartsWith("unix://", StringComparison.Ordinal))
        {
            return new EndPointInfo(dockerHost["unix://".Length..], null, 0);
        }
        if (Uri.TryCreate(dockerHost, UriKind.Absolute, out var uri) && uri.Scheme == "tcp")
        {
            return new EndPointInfo(null, uri.Host, uri.Port);
        }
        return null;
    }

    private sealed record EndPointInfo(string? UnixPath, string? Host, int Port);
}
