// The storage node host. In this first cut it only starts and answers a liveness probe;
// the gRPC StorageService, the admin API and the metrics arrive with the storage-node issue.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok(new { status = "alive" }));
app.Run();
