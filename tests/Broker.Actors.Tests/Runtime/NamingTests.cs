using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>Actor names and paths: uniqueness among live siblings, valid names, the path text and its parsing, escaping.</summary>
public sealed class NamingTests : ActorTestKit
{
    [Fact]
    public void A_name_taken_by_a_live_sibling_is_refused()
    {
        Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "taken");

        var refused = Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "taken"));
        Assert.Contains("/user/taken", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parent_cannot_give_two_live_children_the_same_name()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Spawner()), "parent");
        TestActor.Send(parent, "child");
        var child = ExpectMsg<IActorRef>();

        TestActor.Send(parent, "child");

        var refused = ExpectMsg<InvalidActorNameException>();
        Assert.Contains(child.Path.ToString(), refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("$reserved")]
    public void A_parent_cannot_give_a_child_an_invalid_name(string name)
    {
        var parent = Sys.ActorOf(Props.Create(() => new Spawner()), "parent");

        TestActor.Send(parent, name);

        ExpectMsg<InvalidActorNameException>();
    }

    [Fact]
    public void A_name_is_free_again_once_its_actor_has_stopped()
    {
        var first = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "reused");
        Watch(first);

        Sys.Stop(first);
        ExpectTerminated(first);

        var second = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "reused");
        Assert.NotSame(first, second);
        Assert.Equal(first.Path, second.Path);
        Assert.Same(second, Sys.TopLevel("reused"));
    }

    [Fact]
    public void A_parent_can_replace_a_child_under_the_same_name_as_soon_as_Terminated_arrives()
    {
        // Repeated, because the name must be free by the time Terminated arrives, not a moment later.
        var parent = Sys.ActorOf(Props.Create(() => new Replacer(TestActor.Ref)), "replacer");
        for (var generation = 1; generation <= 200; generation++)
        {
            Assert.Equal(generation, ExpectMsg<int>());
        }

        TestActor.Send(parent, "stop replacing");
        ExpectMsg("stopped");
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("/")]
    [InlineData("$reserved")]
    public void Invalid_names_are_refused(string name)
    {
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), name));
        Assert.Null(Sys.TopLevel(name));
    }

    [Fact]
    public void Anonymous_actors_get_unique_names_that_start_with_a_dollar()
    {
        var names = Enumerable.Range(0, 50).Select(_ => Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref))).Path.Name).ToList();

        Assert.All(names, name => Assert.StartsWith("$", name, StringComparison.Ordinal));
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Paths_name_the_system_the_guardian_and_every_ancestor()
    {
        var a = Sys.ActorOf(Supervisor.PropsWith(SupervisorStrategy.Default), "a");
        var b = Supervisor.Spawn(TestActor, a, Props.Create(() => new Forwarder(TestActor.Ref)), "b");
        var runtime = Sys.SystemActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "runtime");

        Assert.Equal("broker://NamingTests/user/a", a.Path.ToString());
        Assert.Equal("broker://NamingTests/user/a/b", b.Path.ToString());
        Assert.Equal("broker://NamingTests/system/runtime", runtime.Path.ToString());
        Assert.Equal("broker://NamingTests/deadLetters", Sys.DeadLetters.Path.ToString());
        Assert.Equal(["user", "a", "b"], b.Path.Elements);
        Assert.Equal("b", b.Path.Name);
        Assert.Equal(a.Path, b.Path.Parent);
        Assert.Equal(Address.Local("NamingTests"), b.Path.Address);
        Assert.Equal("broker://NamingTests/", b.Path.Parent!.Parent!.Parent!.ToString());
        Assert.Null(b.Path.Parent!.Parent!.Parent!.Parent);
    }

    [Theory]
    [InlineData("broker://NamingTests/")]
    [InlineData("broker://NamingTests/user")]
    [InlineData("broker://NamingTests/user/a/b")]
    [InlineData("broker://NamingTests/user/sessions/client%2F7%25")]
    [InlineData("broker.tcp://cluster@10.0.0.7:2552/user/sessions/$3")]
    [InlineData("broker.tcp://cluster@node-1/system/receptionist")]
    public void A_path_parses_back_from_its_text(string text)
    {
        var path = ActorPath.Parse(text);

        Assert.Equal(text, path.ToString());
        Assert.Equal(path, ActorPath.Parse(path.ToString()));
        Assert.Equal(path.GetHashCode(), ActorPath.Parse(text).GetHashCode());
    }

    [Fact]
    public void A_live_actors_path_parses_back_to_an_equal_path()
    {
        var parent = Sys.ActorOf(Supervisor.PropsWith(SupervisorStrategy.Default), "parent");
        var child = Supervisor.Spawn(TestActor, parent, Props.Create(() => new Forwarder(TestActor.Ref)), ActorName.Escape("client/7"));

        var parsed = ActorPath.Parse(child.Path.ToString());

        Assert.Equal(child.Path, parsed);
        Assert.Equal(Address.Local("NamingTests"), parsed.Address);
        Assert.True(parsed.Address.HasLocalScope);
    }

    [Fact]
    public void A_remote_address_keeps_system_host_and_port()
    {
        var path = ActorPath.Parse("broker.tcp://cluster@10.0.0.7:2552/user/a");

        Assert.Equal(new Address("broker.tcp", "cluster", "10.0.0.7", 2552), path.Address);
        Assert.False(path.Address.HasLocalScope);
        Assert.Equal(["user", "a"], path.Elements);
    }

    [Theory]
    [InlineData("no-protocol/user/a")]
    [InlineData("://missing-protocol/user")]
    public void Text_without_a_protocol_is_not_a_path(string text) => Assert.Throws<FormatException>(() => ActorPath.Parse(text));

    [Theory]
    [InlineData("client-1", "client-1")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("100%", "100%25")]
    [InlineData("$sys", "%24sys")]
    [InlineData("a$b", "a$b")]
    [InlineData("", "%")]
    [InlineData("/", "%2F")]
    [InlineData("%2F", "%252F")]
    public void Escape_makes_any_text_a_valid_name_and_Unescape_gives_the_text_back(string text, string escaped)
    {
        Assert.Equal(escaped, ActorName.Escape(text));
        ActorName.Validate(escaped);
        Assert.Equal(text, ActorName.Unescape(escaped));
    }

    [Fact]
    public void Unescape_inverts_Escape_for_texts_made_of_the_escaped_characters()
    {
        var alphabet = new[] { "%", "/", "$", "2", "4", "5", "F", "a" };
        var texts = from a in alphabet from b in alphabet from c in alphabet from d in alphabet select a + b + c + d;

        Assert.All(texts, text => Assert.Equal(text, ActorName.Unescape(ActorName.Escape(text))));
    }

    [Fact]
    public void Escape_keeps_different_texts_apart()
    {
        string[] texts = ["", "%", "%25", "/", "%2F", "$", "%24", "$a", "a/b", "a%2Fb", "a%252Fb", "client", "client/", "client%"];

        var escaped = texts.Select(ActorName.Escape).ToList();

        Assert.Equal(texts.Length, escaped.Distinct(StringComparer.Ordinal).Count());
        Assert.All(escaped, name => Assert.False(name.StartsWith('$'), $"{name} starts with '$'"));
    }

    [Fact]
    public void An_escaped_client_identifier_names_a_live_actor()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), ActorName.Escape("$weird/client%id"));

        Assert.Equal("broker://NamingTests/user/%24weird%2Fclient%25id", actor.Path.ToString());
    }

    /// <summary>Creates a child with the name it is sent; answers with the child, or with the exception Spawn threw.</summary>
    private sealed class Spawner : ActorBase
    {
        protected override void Receive(object message)
        {
            try
            {
                Sender!.Tell(Context.Spawn(Props.Create(() => new Spawner()), (string)message), Self);
            }
            catch (InvalidActorNameException e)
            {
                Sender!.Tell(e, Self);
            }
        }
    }

    /// <summary>
    /// Watches its child "child", stops it, and creates the next one under the same name as soon as its
    /// Terminated arrives, telling the probe each generation.
    /// </summary>
    private sealed class Replacer(IActorRef probe) : ActorBase
    {
        private int _generation;
        private bool _replacing = true;

        protected override void PreStart() => Next();

        protected override void Receive(object message)
        {
            switch (message)
            {
                case Terminated when _replacing:
                    Next();
                    break;
                case Terminated:
                    break;
                case "stop replacing":
                    _replacing = false;
                    Sender?.Tell("stopped", Self);
                    break;
            }
        }

        private void Next()
        {
            var child = Context.Watch(Context.Spawn(Props.Create(() => new Forwarder(probe)), "child"));
            probe.Tell(++_generation);
            if (_generation < 200)
            {
                Context.Stop(child);
            }
        }
    }
}
