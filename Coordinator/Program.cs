// The coordinator host. In this first cut it only starts and answers a liveness probe;
// the ring, the quorum path and the topology state machine arrive with their issues.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok(new { status = "alive" }));
app.Run();
