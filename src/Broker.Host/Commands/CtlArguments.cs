namespace Broker.Host.Commands;

/// <summary>
/// Takes a <c>broker ctl</c> command's own words out of its arguments, so that what is left (<c>--management</c>, the
/// configuration's <c>-c</c> and <c>--key=value</c>) is read as for every command.
/// </summary>
internal static class CtlArguments
{
    /// <summary>The leading positional arguments, or null when fewer are there (an option in their place counts as missing).</summary>
    public static string[]? TakePositional(List<string> args, int count)
    {
        if (args.Count < count || args.Take(count).Any(a => a.StartsWith("--", StringComparison.Ordinal)))
            return null;
        var taken = args.Take(count).ToArray();
        args.RemoveRange(0, count);
        return taken;
    }

    /// <summary>The next argument when it is a word of the command, not an option (<c>--name</c>, or the configuration's <c>-c</c>); else null.</summary>
    public static string? TakeOptionalPositional(List<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith("--", StringComparison.Ordinal) || args[0] == "-c")
            return null;
        var taken = args[0];
        args.RemoveAt(0);
        return taken;
    }

    public static bool TakeFlag(List<string> args, string flag) => args.Remove(flag);

    /// <summary>
    /// <c>--name value</c> or <c>--name=value</c>: the value, null when absent; <paramref name="problem"/> is set when the
    /// option is there without a value.
    /// </summary>
    public static string? TakeOption(List<string> args, string name, ref string? problem)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == name)
            {
                if (i + 1 >= args.Count)
                {
                    problem = $"{name} needs a value";
                    return null;
                }

                var value = args[i + 1];
                args.RemoveRange(i, 2);
                return value;
            }

            if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                var value = args[i][(name.Length + 1)..];
                args.RemoveAt(i);
                return value;
            }
        }

        return null;
    }

    /// <summary>A path segment that may hold "/": each part escaped, the slashes kept (the routes take the rest of the path).</summary>
    public static string PathOf(string value) => string.Join('/', value.Split('/').Select(Uri.EscapeDataString));

    /// <summary>"-": the first line of the standard input, so that the password is not in the process list or shell history.</summary>
    public static string Password(string given) => given == "-" ? Console.In.ReadLine() ?? "" : given;

    /// <summary>A request's JSON body.</summary>
    public static string Body<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        System.Text.Json.JsonSerializer.Serialize(value, type);
}
