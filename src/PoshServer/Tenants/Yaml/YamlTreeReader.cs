using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace PoshServer.Tenants.Yaml;

/// <summary>
/// Reads one YAML document into a <see cref="YamlNode"/> tree with positions, using YamlDotNet's parser.
/// Built for files operators edit and attackers may craft: it reports every duplicate key rather than
/// keeping the last one, refuses anchors and aliases (no alias bombs; tenant files have no use for them),
/// bounds nesting depth (YamlDotNet 16 has no recursion limit) and node count, and never throws on bad input.
/// </summary>
internal static class YamlTreeReader
{
    public const int MaxDepth = 16;
    public const int MaxNodes = 10_000;

    /// <summary>Parses <paramref name="text"/>; problems are added to <paramref name="problems"/> and the tree is null if unusable.</summary>
    public static YamlNode? Read(string text, List<YamlProblem> problems) =>
        FlatMappingReader.TryRead(text) ?? ReadWithParser(text, problems);

    /// <summary>The full parser, without the fast path for flat files (tests compare the two).</summary>
    internal static YamlNode? ReadWithParser(string text, List<YamlProblem> problems)
    {
        var parser = new Parser(new StringReader(text));
        var state = new State(parser, problems);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = state.ReadNode(depth: 1);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                var start = parser.Current?.Start ?? Mark.Empty;
                problems.Add(new YamlProblem((int)start.Line, (int)start.Column, "the file holds more than one YAML document", "Keep one tenant per file and remove the '---' separator."));
                return null;
            }

            return state.Failed ? null : root;
        }
        catch (YamlException ex)
        {
            problems.Add(new YamlProblem((int)ex.Start.Line, (int)ex.Start.Column, "YAML syntax error: " + Innermost(ex).Message, "Check indentation, quoting and colons near this position."));
            return null;
        }
        catch (TooComplexException ex)
        {
            problems.Add(new YamlProblem(ex.Line, ex.Column, ex.Message, "Tenant files are small, flat documents; simplify the file."));
            return null;
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    private sealed class State(Parser parser, List<YamlProblem> problems)
    {
        private int _nodes;

        public bool Failed { get; private set; }

        public YamlNode ReadNode(int depth)
        {
            var current = parser.Current ?? throw new YamlException("unexpected end of input");
            var line = (int)current.Start.Line;
            var column = (int)current.Start.Column;
            if (++_nodes > MaxNodes)
            {
                throw new TooComplexException(line, column, $"the file has more than {MaxNodes} YAML nodes");
            }

            if (depth > MaxDepth)
            {
                throw new TooComplexException(line, column, $"the file nests deeper than {MaxDepth} levels");
            }

            if (current is AnchorAlias)
            {
                throw new TooComplexException(line, column, "YAML aliases (*name) are not supported in tenant files");
            }

            if (current is NodeEvent { Anchor.IsEmpty: false })
            {
                throw new TooComplexException(line, column, "YAML anchors (&name) are not supported in tenant files");
            }

            switch (current)
            {
                case Scalar scalar:
                    parser.MoveNext();
                    return new YamlScalar(scalar.Value, scalar.Style == ScalarStyle.Plain, line, column);

                case SequenceStart:
                    {
                        parser.MoveNext();
                        var items = new List<YamlNode>();
                        while (!parser.TryConsume<SequenceEnd>(out _))
                        {
                            items.Add(ReadNode(depth + 1));
                        }

                        return new YamlSequence(items, line, column);
                    }

                case MappingStart:
                    {
                        parser.MoveNext();
                        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                        var seen = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
                        while (!parser.TryConsume<MappingEnd>(out _))
                        {
                            var keyNode = ReadNode(depth + 1);
                            var value = ReadNode(depth + 1);
                            if (keyNode is not YamlScalar key)
                            {
                                problems.Add(new YamlProblem(keyNode.Line, keyNode.Column, $"a mapping key must be a plain name, not {keyNode.Kind}", "Write keys as 'name: value'."));
                                Failed = true;
                                continue;
                            }

                            if (seen.TryGetValue(key.Value, out var first))
                            {
                                problems.Add(new YamlProblem(key.Line, key.Column, $"duplicate key '{key.Value}' (first at line {first.Line})", "Remove one of the two; YAML keeps only one value per key."));
                                Failed = true;
                                continue;
                            }

                            seen[key.Value] = key;
                            entries.Add(KeyValuePair.Create(key, value));
                        }

                        return new YamlMapping(entries, line, column);
                    }

                default:
                    throw new YamlException(current.Start, current.End, $"unexpected YAML event {current.GetType().Name}");
            }
        }
    }

    private sealed class TooComplexException(int line, int column, string message) : Exception(message)
    {
        public int Line { get; } = line;

        public int Column { get; } = column;
    }
}
