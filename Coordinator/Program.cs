// The coordinator host: cluster membership over gRPC (8080) and HTTP (8081), the ring, node health.
// `--migrate` applies the metadata migrations before serving.
using PairDb.Coordinator.Hosting;

var app = CoordinatorHost.Build(args);
await CoordinatorHost.RunAsync(app, migrate: Array.IndexOf(args, CoordinatorHost.MigrateSwitch) >= 0);
