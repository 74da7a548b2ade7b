using Broker.Mqtt.Topics;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// A rule's topic written as a string, as the ACL file and a JWT's <c>acl</c> claim both write them: <c>"eq t"</c>
/// for that exact string, else a filter with optional placeholders (<see cref="TopicTemplate"/>).
/// </summary>
internal static class TopicConditionCompiler
{
    /// <param name="error">Builds the exception for a topic that is not one, from what was expected.</param>
    public static TopicCondition Compile(string text, Func<string, Exception> error)
    {
        if (text.StartsWith("eq ", StringComparison.Ordinal))
        {
            return text.Length > 3 ? new ExactTopic(text[3..]) : throw error("a non-empty topic after eq");
        }

        var template = TopicTemplateParser.Parse(text, error);
        var sample = template.RenderSample();
        if (TopicValidator.IsShared(sample))
        {
            throw error("a topic filter without $share/ or $queue/ (a shared subscription is checked on its filter)");
        }

        if (!TopicValidator.IsValidFilter(sample))
        {
            throw error("a valid topic filter ('#' alone as the last level, '+' alone in its level, not empty)");
        }

        return template.HasPlaceholders ? new TemplateTopic(template) : new FilterTopic(text);
    }
}
