using Microsoft.Extensions.Options;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Topology.Changes;
using PairDb.Coordinator.Topology.Streaming;

namespace PairDb.Coordinator.Hosting;

public static partial class CoordinatorHost
{
    /// <summary>The topology state machine: options, runner, its Quartz job and supervisor, operator controls.</summary>
    private static void ConfigureTopology(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TopologyChangeOptions>().Bind(configuration.GetSection(TopologyChangeOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TopologyChangeOptions>, TopologyChangeOptionsValidator>();
        services.AddSingleton<TopologyMetrics>();
        services.AddSingleton<ChangeStore>();
        services.AddSingleton<ChangeScheduler>();
        services.AddSingleton<RunningChanges>();
        services.AddSingleton<StreamSlots>();
        services.AddSingleton<NodeStreams>();
        services.AddSingleton<DiskCheck>();
        services.AddSingleton<ChangeRunner>();
        services.AddSingleton<ChangeControl>();
        services.AddTransient<TopologyChangeJob>();
        services.AddSingleton<ChangeSupervisor>();
        services.AddHostedService(provider => provider.GetRequiredService<ChangeSupervisor>());
    }
}
