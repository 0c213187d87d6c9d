using System.Text.RegularExpressions;

namespace PairDb.Client.Tests.Deploy;

/// <summary>Pulls the metric (series) names out of a PromQL expression.</summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
    };

    public static IReadOnlyList<string> MetricNames(string expression)
    {
        // Label matchers, range selectors, string literals and grouping labels name no metric.
        var stripped = Braces().Replace(expression, " ");
        stripped = Brackets().Replace(stripped, " ");
        stripped = Strings().Replace(stripped, " ");
        stripped = Grouping().Replace(stripped, " ");
        var names = new List<string>();
        foreach (Match match in Identifier().Matches(stripped))
        {
            var name = match.Groups["name"].Value;
            var isCall = match.Groups["call"].Success;
            if (!isCall && !Keywords.Contains(name) && !names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex("\"[^\"]*\"|'[^']*'")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();
}
