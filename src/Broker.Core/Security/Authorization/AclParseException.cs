namespace Broker.Core.Security.Authorization;

/// <summary>An ACL file that cannot be read or whose rule does not compile; the message names where and what was expected.</summary>
public sealed class AclParseException : Exception
{
    public AclParseException(string sourceName, int line, int column, string problem)
        : base($"{sourceName}:{line}:{column}: {problem}")
    {
        SourceName = sourceName;
        Line = line;
        Column = column;
        Problem = problem;
    }

    public string SourceName { get; }

    /// <summary>1-based.</summary>
    public int Line { get; }

    /// <summary>1-based, in characters.</summary>
    public int Column { get; }

    /// <summary>The message without the position.</summary>
    public string Problem { get; }
}
