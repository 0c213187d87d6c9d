using System.Globalization;

namespace PairDb.Client.Cli;

/// <summary>
/// A parsed command line: positional words, <c>--name value</c> (or <c>--name=value</c>) options and
/// <c>--flag</c> switches. Each command states which options it accepts; anything else is a usage error.
/// </summary>
public sealed class CommandLine
{
    /// <summary>Options every command takes.</summary>
    public static readonly IReadOnlySet<string> GlobalValues = new HashSet<string>(StringComparer.Ordinal) { "--data", "--coordinator", "--coordinator-http", "--postgres" };

    public static readonly IReadOnlySet<string> GlobalFlags = new HashSet<string>(StringComparer.Ordinal) { "--json", "--help", "-h" };

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CommandLine(List<string> positionals) => Positionals = positionals;

    public IReadOnlyList<string> Positionals { get; }

    public bool Json => Has("--json");

    public bool Help => Has("--help") || Has("-h");

    /// <summary>Parses <paramref name="args"/>; <c>--</c> ends options, so a value may start with a dash.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args, IEnumerable<string>? values = null, IEnumerable<string>? flags = null)
    {
        var valueNames = new HashSet<string>(GlobalValues, StringComparer.Ordinal);
        valueNames.UnionWith(values ?? []);
        var flagNames = new HashSet<string>(GlobalFlags, StringComparer.Ordinal);
        flagNames.UnionWith(flags ?? []);
        var positionals = new List<string>();
        var parsed = new CommandLine(positionals);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }
            if (arg.Length < 2 || arg[0] != '-' || IsNumber(arg))
            {
                positionals.Add(arg);
                continue;
            }
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            if (valueNames.Contains(name))
            {
                if (equals > 0)
                {
                    parsed._values[name] = arg[(equals + 1)..];
                }
                else if (i + 1 < args.Count)
                {
                    parsed._values[name] = args[++i];
                }
                else
                {
                    throw new UsageException($"{name} needs a value");
                }
            }
            else if (flagNames.Contains(name) && equals < 0)
            {
                parsed._flags.Add(name);
            }
            else
            {
                throw new UsageException($"unknown option {arg}");
            }
        }
        return parsed;
    }

    public bool Has(string flag) => _flags.Contains(flag);

    public string? Value(string name) => _values.GetValueOrDefault(name);

    /// <summary>An integer option within <paramref name="min"/>..<paramref name="max"/>, or null when absent.</summary>
    public int? Int(string name, int min, int max)
    {
        var text = Value(name);
        if (text is null)
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"{name} must be a whole number in {min}..{max} (got '{text}')");
        }
        return value;
    }

    /// <summary>Positional <paramref name="index"/>, named <paramref name="what"/> in the usage error when missing.</summary>
    public string Positional(int index, string what) =>
        index < Positionals.Count ? Positionals[index] : throw new UsageException($"missing {what}");

    /// <summary>Fails when more than <paramref name="count"/> positional words were given.</summary>
    public void ExpectAtMost(int count)
    {
        if (Positionals.Count > count)
        {
            throw new UsageException($"unexpected argument '{Positionals[count]}'");
        }
    }

    private static bool IsNumber(string arg) => double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
