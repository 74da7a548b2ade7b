namespace Broker.Core.Security.Authorization;

/// <summary>
/// The subset of Erlang terms an <c>acl.conf</c> is written in (atoms, strings, integers, tuples, lists), each with
/// the line and column where it starts so that a rule that does not compile can be reported where it is written.
/// </summary>
internal abstract record ErlangTerm(int Line, int Column)
{
    /// <summary>How the term is named in an error message: "the atom 'foo'", "a list".</summary>
    public abstract string Describe();
}

internal sealed record ErlangAtom(string Name, int Line, int Column) : ErlangTerm(Line, Column)
{
    public override string Describe() => $"the atom '{Name}'";
}

internal sealed record ErlangString(string Value, int Line, int Column) : ErlangTerm(Line, Column)
{
    public override string Describe() => $"the string \"{Value}\"";
}

internal sealed record ErlangInteger(long Value, int Line, int Column) : ErlangTerm(Line, Column)
{
    public override string Describe() => $"the integer {Value}";
}

internal sealed record ErlangTuple(IReadOnlyList<ErlangTerm> Elements, int Line, int Column) : ErlangTerm(Line, Column)
{
    public override string Describe() => $"a tuple of {Elements.Count}";
}

internal sealed record ErlangList(IReadOnlyList<ErlangTerm> Elements, int Line, int Column) : ErlangTerm(Line, Column)
{
    public override string Describe() => "a list";
}
