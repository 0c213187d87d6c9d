using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PairDb.Client.Cli.Output;

/// <summary>The one JSON style of <c>--json</c>: snake_case names, indented, one object per command.</summary>
public static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Connection strings and values are printed as they are, not as \u003D escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(TextWriter output, object value) =>
        output.WriteLine(JsonSerializer.Serialize(value, value.GetType(), Options));
}
