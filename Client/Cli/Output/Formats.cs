using Google.Protobuf.WellKnownTypes;
using PairDb.Contracts.Grpc;

namespace PairDb.Client.Cli.Output;

/// <summary>How enum values and times read in tables and JSON (the runbook's words: NORMAL, UP, ...).</summary>
public static class Formats
{
    public static string State(NodeState state) => state switch
    {
        NodeState.Normal => "NORMAL",
        NodeState.Bootstrapping => "BOOTSTRAPPING",
        NodeState.Leaving => "LEAVING",
        _ => "UNKNOWN",
    };

    public static string Status(NodeStatus status) => status switch
    {
        NodeStatus.Up => "UP",
        NodeStatus.Down => "DOWN",
        _ => "UNKNOWN",
    };

    public static string? Time(Timestamp? timestamp) =>
        timestamp is null ? null : timestamp.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : "";
}
