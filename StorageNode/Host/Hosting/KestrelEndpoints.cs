using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using PairDb.Hosting.Security;
using PairDb.StorageNode.Configuration;

namespace PairDb.StorageNode.Hosting;

/// <summary>
/// The two listeners (DESIGN.md section 7): gRPC (HTTP/2, plus HTTP/1.1 for the admin API
/// unless AdminOnGrpcPort is off) on GrpcPort, HTTP/1.1 for the admin API on HttpPort; both TLS on a secure node. ASP.NET's own <c>urls</c> setting (<c>--urls</c>, <c>ASPNETCORE_URLS</c>)
/// names the admin listener instead when HttpPort is not configured, so generic tooling that starts
/// the host with <c>--urls</c> still finds <c>/health/live</c> where it expects it.
/// </summary>
public static class KestrelEndpoints
{
    public static void Configure(KestrelServerOptions kestrel, NodeOptions node, IConfiguration configuration, HostSecurity security)
    {
        Listen(kestrel, node.ListenAddress, node.GrpcPort, HttpProtocols.Http1AndHttp2, security);
        var urls = AdminUrls(configuration);
        if (urls.Count == 0)
        {
            Listen(kestrel, node.ListenAddress, node.HttpPort, HttpProtocols.Http1, security);
            return;
        }

        foreach (var address in urls)
        {
            var host = HostOf(address);
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.ListenLocalhost(address.Port, o => o.UseHostSecurity(security, HttpProtocols.Http1));
            }
            else
            {
                Listen(kestrel, host, address.Port, HttpProtocols.Http1, security);
            }
        }
    }

    /// <summary>
    /// The security mode of a node with these settings: resolved against every address it will bind, so an admin
    /// listener named by <c>--urls</c> off loopback needs TLS or <c>--insecure</c> as much as ListenAddress does.
    /// </summary>
    public static HostSecurity ResolveSecurity(IConfiguration configuration)
    {
        var node = configuration.GetSection(NodeOptions.SectionName).Get<NodeOptions>() ?? new NodeOptions();
        var options = SecurityServices.ReadOptions(configuration);
        var exposed = AdminUrls(configuration).Select(HostOf)
            .FirstOrDefault(h => !string.Equals(h, "localhost", StringComparison.OrdinalIgnoreCase) && !HostSecurity.IsLoopback(h));
        return HostSecurity.Resolve(options, HostSecurity.IsLoopback(node.ListenAddress) && exposed is not null ? exposed : node.ListenAddress);
    }

    /// <summary>The admin listeners <c>urls</c> names, when it stands in for an unconfigured HttpPort; else none.</summary>
    private static List<BindingAddress> AdminUrls(IConfiguration configuration)
    {
        var urls = configuration["urls"];
        var httpPortConfigured = configuration[NodeOptions.SectionName + ":" + nameof(NodeOptions.HttpPort)] is not null;
        return string.IsNullOrWhiteSpace(urls) || httpPortConfigured
            ? []
            : urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(BindingAddress.Parse).ToList();
    }

    private static string HostOf(BindingAddress address) => address.Host is "*" or "+" or "0.0.0.0" or "[::]" ? "*" : address.Host;

    private static void Listen(KestrelServerOptions kestrel, string address, int port, HttpProtocols protocols, HostSecurity security)
    {
        Action<ListenOptions> configure = o => o.UseHostSecurity(security, protocols);
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
