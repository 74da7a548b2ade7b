using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>MQTT 5 shared subscriptions ($share/group/filter, section 4.8.2) with two mosquitto_sub members.</summary>
public sealed class SharedSubscriptionTests(InteropBroker broker, ITestOutputHelper output) : InteropTest(broker, output)
{
    private const int Messages = 100;

    /// <summary>
    /// Each message goes to exactly one member of the group: together the members receive every message once.
    /// Our broker picks members at random by default (mqtt.shared_subscription_strategy): with 100 messages both
    /// get some unless the split is broken (a chance of 2^-99).
    /// </summary>
    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub)]
    public async Task Two_members_of_a_share_group_split_the_messages_with_none_lost_or_duplicated()
    {
        var topic = Names.Topic("shared");
        var filter = $"$share/g{Guid.NewGuid():N}"[..12] + "/" + topic;
        var members = new List<CapturedProcess>();
        foreach (var _ in new[] { 1, 2 })
        {
            var member = Clients.MosquittoSub("-d", "-V", "mqttv5", "-q", "1", "-t", filter, "-F", MosquittoSubLine.Format);
            await member.WaitForLineAsync(MosquittoSubLine.IsSuback, Deadline, "SUBACK");
            members.Add(member);
        }

        var pub = Clients.MosquittoPub("-V", "mqttv5", "-q", "1", "-t", topic, "-l");
        for (var i = 0; i < Messages; i++)
            await pub.Input.WriteLineAsync($"{i}");
        pub.Input.Close();
        await pub.ExpectSuccessAsync(Deadline);

        // Wait until the members together hold every message; a duplicate arriving before then shows up below.
        var all = Enumerable.Range(0, Messages).Select(i => $"{i}").ToHashSet();
        var deadline = DateTime.UtcNow + Deadline;
        while (!all.IsSubsetOf(members.SelectMany(Payloads)) && DateTime.UtcNow < deadline)
            await Task.WhenAny(members.Select(m => m.WaitForOutputAfterAsync(m.TranscriptCount, TimeSpan.FromMilliseconds(200))));

        var first = Payloads(members[0]);
        var second = Payloads(members[1]);
        Assert.Equal(all.Order(), first.Concat(second).Order());
        Assert.NotEmpty(first);
        Assert.NotEmpty(second);
    }

    private static List<string> Payloads(CapturedProcess member) =>
        member.Lines.Where(MosquittoSubLine.IsMessage).Select(l => MosquittoSubLine.Parse(l).Payload).ToList();
}
