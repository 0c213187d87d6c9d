using System.Net;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Versioning;

namespace PairDb.StorageNode.Configuration;

/// <summary>Start-up check of <see cref="NodeOptions"/>; each failure names its setting.</summary>
public sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var problems = new List<string>();
        const string Prefix = NodeOptions.SectionName + ":";
        if (!NodeIds.IsValidNodeId(options.NodeId))
        {
            problems.Add($"{Prefix}NodeId must be 1..{NodeIds.MaxNodeIdLength} printable ASCII characters without '{NodeIds.IncarnationSeparator}' (is '{options.NodeId}')");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            problems.Add($"{Prefix}DataDirectory must name a folder");
        }

        if (options.ListenAddress != "*" && !IPAddress.TryParse(options.ListenAddress, out _))
        {
            problems.Add($"{Prefix}ListenAddress must be an IP address or * (is '{options.ListenAddress}')");
        }

        CheckPort(problems, Prefix + nameof(options.GrpcPort), options.GrpcPort);
        CheckPort(problems, Prefix + nameof(options.HttpPort), options.HttpPort);
        if (options.GrpcPort == options.HttpPort)
        {
            problems.Add($"{Prefix}GrpcPort and {Prefix}HttpPort must differ (both are {options.GrpcPort}): one port cannot serve cleartext HTTP/2 and HTTP/1.1");
        }

        if (string.IsNullOrWhiteSpace(options.ClientIdHeader))
        {
            problems.Add($"{Prefix}ClientIdHeader must name a header");
        }

        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{Prefix}ShutdownTimeout must be positive (is {options.ShutdownTimeout})");
        }

        if (!string.IsNullOrEmpty(options.CoordinatorEndpoint)
            && (!Uri.TryCreate(options.CoordinatorEndpoint, UriKind.Absolute, out var coordinator) || coordinator.Scheme is not ("http" or "https")))
        {
            problems.Add($"{Prefix}CoordinatorEndpoint must be an http:// or https:// address (is '{options.CoordinatorEndpoint}')");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckPort(List<string> problems, string setting, int port)
    {
        if (port is < 1 or > 65535)
        {
            problems.Add($"{setting} must be 1..65535 (is {port})");
        }
    }
}
