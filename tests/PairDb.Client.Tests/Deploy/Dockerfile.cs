namespace PairDb.Client.Tests.Deploy;

/// <summary>One instruction of a Dockerfile: its keyword (upper case) and its arguments.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>A Dockerfile read as instructions: comments dropped, continuation lines joined.</summary>
internal sealed class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<DockerInstruction> instructions)
    {
        Path = path;
        Instructions = instructions;
    }

    public string Path { get; }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    public static Dockerfile Parse(string path)
    {
        var instructions = new List<DockerInstruction>();
        var pending = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            var full = pending + line;
            pending = "";
            var space = full.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0
                ? new DockerInstruction(full.ToUpperInvariant(), "")
                : new DockerInstruction(full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
        }

        if (pending.Length > 0)
        {
            throw new FormatException($"{path}: the last instruction ends with a line continuation");
        }

        return new Dockerfile(path, instructions);
    }
}
