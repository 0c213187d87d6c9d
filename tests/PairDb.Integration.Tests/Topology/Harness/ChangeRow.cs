using System.Text.Json.Nodes;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>A pending_changes row as the runbook's queries see it, details parsed.</summary>
internal sealed record ChangeRow(
    string ChangeId, string Type, string NodeId, string Status, int Progress,
    DateTimeOffset StartTime, DateTimeOffset? CompletedAt, JsonObject Details, string? Error)
{
    public const string Columns = "change_id, type, node_id, status, progress, start_time, completed_at, details::text, error";

    public string Phase => Details["phase"]?.GetValue<string>() ?? "";

    /// <summary>The plan's streams (details.streams), empty before planning.</summary>
    public IReadOnlyList<StreamRow> Streams
    {
        get
        {
            var streams = new List<StreamRow>();
            if (Details["streams"] is JsonArray array)
            {
                foreach (var item in array)
                {
                    if (item is JsonObject stream)
                    {
                        streams.Add(StreamRow.From(stream));
                    }
                }
            }
            return streams;
        }
    }

    /// <summary>details.cleanup.status, or empty before cleanup is scheduled.</summary>
    public string CleanupStatus => Details["cleanup"]?["status"]?.GetValue<string>() ?? "";

    public long KeysCopied
    {
        get
        {
            long sum = 0;
            foreach (var stream in Streams)
            {
                sum += stream.KeysCopied;
            }
            return sum;
        }
    }

    public static ChangeRow Read(Npgsql.NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        JsonNode.Parse(reader.GetString(7)) as JsonObject ?? [],
        reader.IsDBNull(8) ? null : reader.GetString(8));

    public override string ToString() =>
        $"{Type} {ChangeId} of {NodeId}: status={Status} progress={Progress} phase={Phase} completed_at={CompletedAt:O} error={Error}";
}

/// <summary>One entry of details.streams.</summary>
internal sealed record StreamRow(int Id, string Source, string Target, string State, string LastKey, long KeysCopied, long BytesTransferred)
{
    public static StreamRow From(JsonObject stream) => new(
        (int?)stream["id"] ?? -1,
        (string?)stream["source"] ?? "",
        (string?)stream["target"] ?? "",
        (string?)stream["state"] ?? "",
        (string?)stream["last_key"] ?? "",
        (long?)stream["keys_copied"] ?? 0,
        (long?)stream["bytes_transferred"] ?? 0);

    /// <summary>The resume point as the bytes of the encoded key (empty: from the start).</summary>
    public byte[] LastKeyBytes => LastKey.Length == 0 ? [] : Convert.FromBase64String(LastKey);
}
