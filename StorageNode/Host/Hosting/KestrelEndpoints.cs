using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using PairDb.Hosting;
using PairDb.StorageNode.Configuration;

namespace PairDb.StorageNode.Hosting;

/// <summary>
/// The two listeners (DESIGN.md section 7): gRPC (cleartext HTTP/2, plus HTTP/1.1 for the admin API
/// unless AdminOnGrpcPort is off) on GrpcPort, HTTP/1.1 for the admin API on HttpPort. ASP.NET's own <c>urls</c> setting (<c>--urls</c>, <c>ASPNETCORE_URLS</c>)
/// names the admin listener instead when HttpPort is not configured, so generic tooling that starts
/// the host with <c>--urls</c> still finds <c>/health/live</c> where it expects it.
/// </summary>
public static class KestrelEndpoints
{
    public static void Configure(KestrelServerOptions kestrel, NodeOptions node, IConfiguration configuration)
    {
        Listen(kestrel, node.ListenAddress, node.GrpcPort, HttpProtocols.Http1AndHttp2);
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
        // Both protocols on one cleartext port need the connection's first bytes to pick one.
        Action<ListenOptions> configure = protocols == HttpProtocols.Http1AndHttp2
            ? o => o.UseHttp1AndCleartextHttp2()
            : o => o.Protocols = protocols;
        if (address == "*")
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address.Trim('[', ']')), port, configure);
        }
    }

    /// <summary>
    /// Keeps data and admin traffic apart (DESIGN.md section 9: protect them separately): the admin
    /// port never serves gRPC, and the gRPC port serves the admin API only when
    /// <paramref name="adminOnGrpcPort"/> allows it.
    /// </summary>
    public static async Task SeparatePorts(HttpContext context, Func<Task> next, int grpcPort, bool adminOnGrpcPort)
    {
        var onGrpcPort = context.Connection.LocalPort == grpcPort;
        var isGrpc = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
        if (onGrpcPort ? !isGrpc && !adminOnGrpcPort : isGrpc)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await next();
    }
}
