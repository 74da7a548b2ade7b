using System.Text;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary><c>broker ctl cluster status</c>'s text: the members one a line, in columns, with what each is to the cluster.</summary>
internal static class MembersTable
{
    public static string Format(MembersJson members)
    {
        var text = new StringBuilder();
        if (!members.Clustered)
        {
            text.AppendLine($"This node: {members.SelfNode}");
            var endpoint = members.SelfNode[(members.SelfNode.IndexOf('@', StringComparison.Ordinal) + 1)..];
            text.AppendLine($"Not in a cluster: `broker ctl cluster join <host:port>` joins the cluster of that member ({endpoint}, this node's own, starts one).");
            return text.ToString();
        }

        text.AppendLine($"This node: {members.SelfNode}");
        text.AppendLine($"Members ({members.Members.Count}, {members.Members.Count(m => m.Status == "Up")} Up):");
        var width = members.Members.Select(m => m.Node.Length).DefaultIfEmpty(0).Max();
        foreach (var member in members.Members)
        {
            var notes = Notes(members, member.Node);
            text.AppendLine($"  {member.Node.PadRight(width)}  {member.Status,-8}{(notes.Length > 0 ? "  " + notes : "")}".TrimEnd());
        }

        text.AppendLine(members.Unreachable.Count == 0 ? "Unreachable: none" : "Unreachable:");
        foreach (var unreachable in members.Unreachable)
        {
            var observers = unreachable.ObservedBy.Count == 0 ? "" : $" (lost by {string.Join(", ", unreachable.ObservedBy)})";
            text.AppendLine($"  {unreachable.Node}{observers}");
        }

        return text.ToString();
    }

    private static string Notes(MembersJson members, string node) =>
        string.Join(", ", new[]
        {
            node == members.SelfNode ? "this node" : null,
            node == members.Leader ? "leader" : null,
            node == members.Oldest ? "oldest" : null,
            members.Unreachable.Any(u => u.Node == node) ? "unreachable" : null,
        }.OfType<string>());
}
