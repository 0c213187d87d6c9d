// `./pairdb chaos`: a Jepsen-style fault run against a scratch cluster (see chaos/README.md).
using PairDb.Chaos.Faults;
using PairDb.Chaos.Network;
using PairDb.Chaos.Options;
using PairDb.Chaos.Report;
using PairDb.Chaos.Run;

ChaosOptions options;
try
{
    options = ChaosArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"chaos: {e.Message}");
    Console.Error.WriteLine(ChaosArguments.Usage);
    return 2;
}
// With --json, stdout carries only the report.
var log = options.Json ? Console.Error : Console.Out;

var refused = new Dictionary<string, string>();
var networkProblem = options.NoNetwork ? "--no-network" : options.NeedsNetwork && options.InsideNamespace is null ? await Namespaces.UnavailableReasonAsync() : null;
if (options.InsideNamespace is null && options.NeedsNetwork && networkProblem is null)
{
    return await Supervisor.RunAsync(options, args, log);
}
foreach (var kind in options.Faults)
{
    var why = FaultKinds.NeedsNetwork(kind) && options.InsideNamespace is null ? networkProblem ?? "no network namespaces"
        : kind == FaultKind.DiskFull && !Environment.IsPrivilegedProcess ? "mounting a tmpfs needs root"
        : kind == FaultKind.ClockSkew && PairDb.Chaos.Cluster.FakeTime.LibraryPath() is null ? "libfaketime is not installed (apt-get install faketime)"
        : null;
    if (why is not null)
    {
        refused[FaultKinds.Name(kind)] = why;
        log.WriteLine($"chaos: refusing {FaultKinds.Name(kind)} faults: {why}");
    }
}

var layout = options.InsideNamespace is { } prefix
    ? NetworkLayout.InNamespaces(prefix, options.Coordinators, options.Nodes)
    : NetworkLayout.OnLoopback(options.Coordinators, options.Nodes);
var ownDirectory = options.WorkDirectory is null;
var directory = options.WorkDirectory ?? RunDirectory.For(Environment.ProcessId);
if (ownDirectory)
{
    await RunDirectory.RemoveStaleAsync();
}
Directory.CreateDirectory(directory);

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C stops the run (heal, stop the cluster, report); the runtime's default would leave processes behind.
    e.Cancel = true;
    interrupt.Cancel();
};
ChaosReport report;
try
{
    report = await new ChaosRunner(options, layout, directory, log).RunAsync(refused, interrupt.Token);
}
finally
{
    if (ownDirectory && !options.Keep)
    {
        await RunDirectory.RemoveAsync(directory);
    }
}
if (options.Json)
{
    ReportWriter.WriteJson(Console.Out, report);
}
else
{
    ReportWriter.WriteText(Console.Out, report);
}
return report.Error is not null ? 3 : report.Verdict is { Valid: true } ? 0 : 1;
