using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PairDb.Hosting;

/// <summary>
/// Serves HTTP/1.1 and cleartext HTTP/2 (gRPC, "prior knowledge" h2c as grpcurl -plaintext speaks it)
/// on one port, so the runbook's <c>curl http://coordinator:8080/api/v1/...</c> and
/// <c>grpcurl -plaintext coordinator:8080 pairdb.CoordinatorService/...</c> reach the same listener.
/// <para>
/// Kestrel picks the protocol of a cleartext connection before reading it and, with both enabled,
/// always picks HTTP/1.1 (dotnet/aspnetcore#56984: without TLS there is no ALPN to decide by). This
/// connection middleware reads, without consuming, the first bytes: an exact HTTP/2 connection preface
/// (RFC 9113 3.4) is declared to Kestrel the way ALPN would declare it, every other byte stream stays
/// HTTP/1.1. The declaration only stands in for ALPN; no TLS handshake feature is set, so nothing
/// validates TLS parameters that do not exist.
/// </para>
/// </summary>
public static class CleartextProtocolSniffing
{
    /// <summary>How long a new connection may stay silent before its first bytes decide its protocol.</summary>
    public static readonly TimeSpan FirstBytesTimeout = TimeSpan.FromSeconds(30);

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Enables HTTP/1.1 and HTTP/2 on the endpoint and decides each connection by its first bytes.</summary>
    public static ListenOptions UseHttp1AndCleartextHttp2(this ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        // The stand-in ALPN feature makes Kestrel take such a connection for https; the client truly
        // sends ":scheme http", which Kestrel would otherwise refuse as a scheme mismatch.
        listen.KestrelServerOptions.AllowAlternateSchemes = true;
        listen.Use(next => async connection =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
            timeout.CancelAfter(FirstBytesTimeout);
            bool http2;
            try
            {
                http2 = await StartsWithPrefaceAsync(connection.Transport.Input, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                connection.Abort(new ConnectionAbortedException("no request bytes within " + FirstBytesTimeout));
                return;
            }
            if (http2)
            {
                connection.Features.Set<Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature>(PriorKnowledgeHttp2.Instance);
                connection.Features.Set<Microsoft.AspNetCore.Server.Kestrel.Core.Features.ITlsApplicationProtocolFeature>(PriorKnowledgeHttp2.Instance);
            }
            await next(connection);
        });
        return listen;
    }

    /// <summary>Reads until the bytes so far either diverge from the preface or complete it; consumes nothing.</summary>
    public static async Task<bool> StartsWithPrefaceAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var verdict = Classify(buffer);
            if (verdict is not null || result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start);
                return verdict == true;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>True: the preface; false: anything else; null: a proper prefix of the preface, read more.</summary>
    public static bool? Classify(ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[Preface.Length];
        var length = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(Preface[..length]))
        {
            return false;
        }
        return length == Preface.Length ? true : null;
    }
}
