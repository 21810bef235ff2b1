using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorChat.Host.Tests;

/// <summary>A Dockerfile's stages and their instructions, continuation lines joined and comments dropped.</summary>
internal sealed partial class Dockerfile
{
    public sealed record Instruction(string Name, string Arguments);

    public sealed record Stage(string Image, string? Name, IReadOnlyList<Instruction> Instructions)
    {
        public IEnumerable<string> Arguments(string instruction) =>
            Instructions.Where(i => i.Name == instruction).Select(i => i.Arguments);

        /// <summary>The stage's ENV variables, in order: <c>ENV A=1 B="x y"</c>, or the older <c>ENV A 1</c>.</summary>
        public IEnumerable<EnvVar> Environment() => Arguments("ENV").SelectMany(Assignments);

        /// <summary>An exec-form ENTRYPOINT or CMD (a JSON array), the last one given; empty when there is none.</summary>
        public string[] ExecForm(string instruction) =>
            Arguments(instruction).LastOrDefault() is { } json ? JsonSerializer.Deserialize<string[]>(json)! : [];
    }

    public required IReadOnlyList<Stage> Stages { get; init; }

    /// <summary>The image that runs: the last stage.</summary>
    public Stage Runtime => Stages[^1];

    public static Dockerfile Parse(string text)
    {
        var lines = new List<string>();
        var pending = "";
        foreach (var raw in text.Split('\n').Select(line => line.TrimEnd('\r')))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
                continue;
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            lines.Add(pending + line);
            pending = "";
        }

        var stages = new List<Stage>();
        foreach (var line in lines.Where(line => line.Length > 0))
        {
            var split = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            var instruction = new Instruction(split[0].ToUpperInvariant(), split.Length > 1 ? split[1].Trim() : "");
            if (instruction.Name == "FROM")
            {
                var from = FromLine().Match(instruction.Arguments);
                stages.Add(new Stage(from.Groups["image"].Value, from.Groups["name"].Success ? from.Groups["name"].Value : null, new List<Instruction>()));
                continue;
            }
            if (stages.Count == 0)
                throw new InvalidOperationException($"Dockerfile: {instruction.Name} before the first FROM");
            ((List<Instruction>)stages[^1].Instructions).Add(instruction);
        }
        return new Dockerfile { Stages = stages };
    }

    private static IEnumerable<EnvVar> Assignments(string arguments)
    {
        if (!arguments.Split(' ', 2)[0].Contains('=', StringComparison.Ordinal))
        {
            var legacy = arguments.Split(' ', 2, StringSplitOptions.TrimEntries);
            return [new EnvVar(legacy[0], legacy.Length > 1 ? legacy[1] : "")];
        }
        return Assignment().Matches(arguments).Select(match => new EnvVar(match.Groups["name"].Value,
            match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Groups["plain"].Value));
    }

    [GeneratedRegex(@"^(?<image>\S+)(\s+AS\s+(?<name>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromLine();

    [GeneratedRegex("""(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?:"(?<quoted>[^"]*)"|(?<plain>\S*))""")]
    private static partial Regex Assignment();
}
