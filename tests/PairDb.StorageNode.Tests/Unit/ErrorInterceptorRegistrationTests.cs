using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PairDb.Hosting.Grpc;
using PairDb.StorageNode.Hosting;

namespace PairDb.StorageNode.Tests.Unit;

/// <summary>The serving node answers whatever escapes a handler through the one error interceptor, for every service.</summary>
public sealed class ErrorInterceptorRegistrationTests
{
    [Test]
    public void AddStorageNode_RegistersTheErrorInterceptorForEveryService()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddStorageNode(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<GrpcServiceOptions>>().Value;

        Assert.That(options.Interceptors.Select(i => i.Type), Has.Member(typeof(ErrorInterceptor)));
    }
}
