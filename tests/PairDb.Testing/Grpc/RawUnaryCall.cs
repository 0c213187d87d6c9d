using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace PairDb.Testing;

/// <summary>
/// One unary gRPC call framed by hand over cleartext HTTP/2, for what a .NET gRPC client will not send: a
/// grpc-timeout that has already passed when the server reads it (the client refuses to start such a call).
/// </summary>
public static class RawUnaryCall
{
    /// <summary>Posts <paramref name="message"/> (encoded protobuf) to <paramref name="method"/> ("package.Service/Method"); returns the gRPC status code.</summary>
    public static async Task<int> SendAsync(int port, string method, byte[] message, IReadOnlyDictionary<string, string> headers)
    {
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/{method}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        // A trailers-only answer carries the status among the headers.
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.First()
            : response.Headers.GetValues("grpc-status").First();
        return int.Parse(status, CultureInfo.InvariantCulture);
    }
}
