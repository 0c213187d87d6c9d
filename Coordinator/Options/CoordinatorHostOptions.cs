using System.Net;
using Microsoft.Extensions.Options;

namespace PairDb.Coordinator.Options;

/// <summary>Where the coordinator listens. Section <c>PairDb:Coordinator</c>.</summary>
public sealed class CoordinatorHostOptions
{
    public const string Section = "PairDb:Coordinator";

    /// <summary>
    /// Address both ports bind to. Default <c>127.0.0.1</c>: any other address needs TLS (<c>PairDb:Security</c>)
    /// or <c>--insecure</c>.
    /// </summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>gRPC (HTTP/2; TLS when secure): CoordinatorService, reflection, grpc.health.v1. Default 8080.</summary>
    public int GrpcPort { get; set; } = 8080;

    /// <summary>HTTP/1.1 admin API, /health, /metrics. Default 8081.</summary>
    public int HttpPort { get; set; } = 8081;

    /// <summary>
    /// The coordinator's own durable files, which keep the data path up while PostgreSQL is away (issue 15): the hint
    /// spool and the ring snapshot. One directory per coordinator, on local disk; default <c>/var/lib/pairdb/coordinator</c>.
    /// </summary>
    public string StateDirectory { get; set; } = "/var/lib/pairdb/coordinator";
}

public sealed class CoordinatorHostOptionsValidator : IValidateOptions<CoordinatorHostOptions>
{
    public ValidateOptionsResult Validate(string? name, CoordinatorHostOptions options)
    {
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            failures.Add($"{CoordinatorHostOptions.Section}:ListenAddress '{options.ListenAddress}' is not an IP address");
        }
        if (options.GrpcPort is < 1 or > 65535)
        {
            failures.Add($"{CoordinatorHostOptions.Section}:GrpcPort {options.GrpcPort} is not in 1..65535");
        }
        if (options.HttpPort is < 1 or > 65535)
        {
            failures.Add($"{CoordinatorHostOptions.Section}:HttpPort {options.HttpPort} is not in 1..65535");
        }
        if (string.IsNullOrWhiteSpace(options.StateDirectory))
        {
            failures.Add($"{CoordinatorHostOptions.Section}:StateDirectory is empty; name a local directory for the hint spool and the ring snapshot");
        }
        if (options.GrpcPort == options.HttpPort)
        {
            failures.Add($"{CoordinatorHostOptions.Section}:GrpcPort and HttpPort are both {options.GrpcPort}; they must differ");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
