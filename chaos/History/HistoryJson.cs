using System.Text.Json;
using System.Text.Json.Serialization;

namespace PairDb.Chaos.History;

/// <summary>
/// The JSON form of a <see cref="History"/> (the history file a chaos run saves) and the options every
/// chaos report shares: camelCase names, enums as their names, nulls left out.
/// </summary>
public static class HistoryJson
{
    /// <summary>Options for every chaos JSON document (history, final state, verdict).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(History history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return JsonSerializer.Serialize(new HistoryDocument(history.Tenant, history.Seed, history.StartedAt, history.Operations), Options);
    }

    public static History Deserialize(string json)
    {
        var document = JsonSerializer.Deserialize<HistoryDocument>(json, Options)
            ?? throw new JsonException("the history document is null");
        return new History(document.Tenant, document.Seed, document.StartedAt, document.Operations);
    }

    public static async Task WriteAsync(History history, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        await JsonSerializer.SerializeAsync(stream, new HistoryDocument(history.Tenant, history.Seed, history.StartedAt, history.Operations), Options, cancellationToken);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed record HistoryDocument(string Tenant, int Seed, DateTimeOffset StartedAt, IReadOnlyList<Operation> Operations);
}
