using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using PairDb.StorageNode.Configuration;

namespace PairDb.StorageNode.Hosting;

/// <summary>
/// The two listeners (DESIGN.md section 7): cleartext HTTP/2 for gRPC on GrpcPort, HTTP/1.1 for the
/// admin API on HttpPort. ASP.NET's own <c>urls</c> setting (<c>--urls</c>, <c>ASPNETCORE_URLS</c>)
/// names the admin listener instead when HttpPort is not configured, so generic tooling that starts
/// the host with <c>--urls</c> still finds <c>/health/live</c> where it expects it.
/// </summary>
public static class KestrelEndpoints
{
    public static void Configure(KestrelServerOptions kestrel, NodeOptions node, IConfiguration configuration)
    {
        Listen(kestrel, node.ListenAddress, node.GrpcPort, HttpProtocols.Http2);
        var urls = configuration["urls"];
        var httpPortConfigured = configuration[NodeOptions.SectionName + ":" + nameof(NodeOptions.HttpPort)] is not null;
        if (string.IsNullOrWhiteSpace(urls) || httpPortConfigured)
        {
            Listen(kestrel, node.ListenAddress, node.HttpPort, HttpProtocols.Http1);
            return;
        }

        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var address = BindingAddress.Parse(url);
            var host = address.Host is "*" or "+" or "0.0.0.0" or "[::]" ? "*" : address.Host;
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.ListenLocalhost(address.Port, o => o.Protocols = HttpProtocols.Http1);
            }
            else
            {
                Listen(kestrel, host, address.Port, HttpProtocols.Http1);
            }
        }
    }

    private static void Listen(KestrelServerOptions kestrel, string address, int port, HttpProtocols protocols)
    {
        if (address == "*")
        {
            kestrel.ListenAnyIP(port, o => o.Protocols = protocols);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address.Trim('[', ']')), port, o => o.Protocols = protocols);
        }
    }

    /// <summary>
    /// Keeps data and admin traffic apart (DESIGN.md section 9: protect them separately): the gRPC
    /// port serves only gRPC, the admin port never serves gRPC.
    /// </summary>
    public static async Task SeparatePorts(HttpContext context, Func<Task> next, int grpcPort)
    {
        var onGrpcPort = context.Connection.LocalPort == grpcPort;
        var isGrpc = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
        if (onGrpcPort != isGrpc)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await next();
    }
}
