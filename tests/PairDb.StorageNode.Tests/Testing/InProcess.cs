using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using PairDb.StorageNode.Metrics;

namespace PairDb.StorageNode.Tests.Testing;

internal static class InProcess
{
    public static StorageNodeMetrics Metrics(TimeProvider time)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        return new StorageNodeMetrics(services.GetRequiredService<IMeterFactory>(), "unit-node", time);
    }
}
