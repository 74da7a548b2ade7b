namespace Broker.Actors.Tests.Events;

public class EventStreamTests
{
    private readonly EventStream _stream = new();

    [Fact]
    public void Subscribers_receive_events_assignable_to_their_channel()
    {
        var animals = new RecordingActorRef("animals");
        var dogs = new RecordingActorRef("dogs");
        var puppies = new RecordingActorRef("puppies");
        var everything = new RecordingActorRef("everything");
        _stream.Subscribe(animals, typeof(Animal));
        _stream.Subscribe(dogs, typeof(Dog));
        _stream.Subscribe(puppies, typeof(Puppy));
        _stream.Subscribe(everything, typeof(object));

        var dog = new Dog();
        var cat = new Cat();
        _stream.Publish(dog);
        _stream.Publish(cat);
        _stream.Publish("not an animal");

        Assert.Equal([dog, cat], animals.Messages);
        Assert.Equal([dog], dogs.Messages);
        Assert.Empty(puppies.Messages);
        Assert.Equal([dog, cat, "not an animal"], everything.Messages);
    }

    [Fact]
    public void An_interface_is_a_channel()
    {
        var barkers = new RecordingActorRef("barkers");
        _stream.Subscribe(barkers, typeof(IBarks));

        var puppy = new Puppy();
        _stream.Publish(new Cat());
        _stream.Publish(puppy);

        Assert.Equal([puppy], barkers.Messages);
    }

    [Fact]
    public void Events_are_told_without_a_sender()
    {
        var subscriber = new RecordingActorRef("subscriber");
        _stream.Subscribe(subscriber, typeof(object));

        _stream.Publish(new Dog());

        Assert.Equal([null], subscriber.Senders);
    }

    [Fact]
    public void A_subscriber_to_overlapping_channels_receives_each_event_once()
    {
        var subscriber = new RecordingActorRef("subscriber");
        Assert.True(_stream.Subscribe(subscriber, typeof(Dog)));
        Assert.True(_stream.Subscribe(subscriber, typeof(Animal)));
        Assert.True(_stream.Subscribe(subscriber, typeof(IBarks)));
        Assert.True(_stream.Subscribe(subscriber, typeof(object)));

        var puppy = new Puppy();
        _stream.Publish(puppy);

        Assert.Equal([puppy], subscriber.Messages);
    }

    [Fact]
    public void Subscribing_twice_to_the_same_channel_answers_false_and_changes_nothing()
    {
        var subscriber = new RecordingActorRef("subscriber");
        Assert.True(_stream.Subscribe(subscriber, typeof(Dog)));
        Assert.False(_stream.Subscribe(subscriber, typeof(Dog)));

        _stream.Publish(new Dog());

        Assert.Single(subscriber.Messages);
    }

    [Fact]
    public void Unsubscribing_from_one_channel_keeps_the_others()
    {
        var subscriber = new RecordingActorRef("subscriber");
        _stream.Subscribe(subscriber, typeof(Dog));
        _stream.Subscribe(subscriber, typeof(Cat));

        Assert.True(_stream.Unsubscribe(subscriber, typeof(Dog)));
        Assert.False(_stream.Unsubscribe(subscriber, typeof(Dog)));
        Assert.False(_stream.Unsubscribe(subscriber, typeof(Animal)));
        var cat = new Cat();
        _stream.Publish(new Dog());
        _stream.Publish(cat);

        Assert.Equal([cat], subscriber.Messages);
    }

    [Fact]
    public void Unsubscribing_from_everything_removes_every_channel_of_that_subscriber_only()
    {
        var leaving = new RecordingActorRef("leaving");
        var staying = new RecordingActorRef("staying");
        _stream.Subscribe(leaving, typeof(Dog));
        _stream.Subscribe(leaving, typeof(object));
        _stream.Subscribe(staying, typeof(Dog));

        _stream.Unsubscribe(leaving);
        _stream.Unsubscribe(leaving);
        var dog = new Dog();
        _stream.Publish(dog);

        Assert.Empty(leaving.Messages);
        Assert.Equal([dog], staying.Messages);
        Assert.True(_stream.Subscribe(leaving, typeof(Dog)));
    }

    [Fact]
    public void Changes_after_an_event_type_was_published_take_effect_at_once()
    {
        var subscriber = new RecordingActorRef("subscriber");
        _stream.Publish(new Dog());

        _stream.Subscribe(subscriber, typeof(Animal));
        var seen = new Dog();
        _stream.Publish(seen);
        _stream.Unsubscribe(subscriber, typeof(Animal));
        _stream.Publish(new Dog());

        Assert.Equal([seen], subscriber.Messages);
    }

    [Fact]
    public void Publishing_without_subscribers_does_nothing_and_null_is_refused()
    {
        _stream.Publish(new Dog());

        Assert.Throws<ArgumentNullException>(() => _stream.Publish(null!));
        Assert.Throws<ArgumentNullException>(() => _stream.Subscribe(null!, typeof(Dog)));
        Assert.Throws<ArgumentNullException>(() => _stream.Subscribe(new RecordingActorRef("s"), null!));
    }

    [Fact]
    public void Concurrent_subscriptions_of_the_same_pair_succeed_exactly_once()
    {
        var subscriber = new CountingActorRef("subscriber");
        var successes = 0;
        var threads = 8;
        using var start = new Barrier(threads);

        RunOnThreads(threads, _ =>
        {
            start.SignalAndWait();
            if (_stream.Subscribe(subscriber, typeof(Dog)))
            {
                Interlocked.Increment(ref successes);
            }
        });

        Assert.Equal(1, successes);
        _stream.Publish(new Dog());
        Assert.Equal(1, subscriber.Count);
    }

    [Fact]
    public void Stable_subscribers_lose_nothing_while_others_subscribe_and_unsubscribe()
    {
        const int publishers = 4;
        const int churners = 4;
        const int eventsPerPublisher = 20_000;
        const int changesPerChurner = 2_000;
        var animals = new CountingActorRef("animals");
        var overlapping = new CountingActorRef("overlapping");
        var barkers = new CountingActorRef("barkers");
        _stream.Subscribe(animals, typeof(Animal));
        _stream.Subscribe(overlapping, typeof(Dog));
        _stream.Subscribe(overlapping, typeof(object));
        _stream.Subscribe(barkers, typeof(IBarks));
        Type[] channels = [typeof(object), typeof(Animal), typeof(Dog), typeof(Puppy), typeof(IBarks), typeof(Cat)];
        var transients = Enumerable.Range(0, churners).Select(i => new CountingActorRef($"transient-{i}")).ToArray();
        var dog = new Dog();
        using var start = new Barrier(publishers + churners);

        RunOnThreads(publishers + churners, thread =>
        {
            start.SignalAndWait();
            if (thread < publishers)
            {
                for (var i = 0; i < eventsPerPublisher; i++)
                {
                    _stream.Publish(dog);
                }
            }
            else
            {
                var transient = transients[thread - publishers];
                for (var i = 0; i < changesPerChurner; i++)
                {
                    var channel = channels[i % channels.Length];
                    Assert.True(_stream.Subscribe(transient, channel));
                    if (i % 3 == 0)
                    {
                        _stream.Unsubscribe(transient);
                    }
                    else
                    {
                        Assert.True(_stream.Unsubscribe(transient, channel));
                    }
                }
            }
        });

        const int published = publishers * eventsPerPublisher;
        Assert.Equal(published, animals.Count);
        Assert.Equal(published, overlapping.Count);
        Assert.Equal(published, barkers.Count);
        Assert.All(transients, t => Assert.InRange(t.Count, 0, published));
    }

    [Fact]
    public void Publishing_allocates_nothing_once_the_event_type_has_been_seen()
    {
        var subscribers = Enumerable.Range(0, 3).Select(i => new CountingActorRef($"subscriber-{i}")).ToArray();
        _stream.Subscribe(subscribers[0], typeof(object));
        _stream.Subscribe(subscribers[1], typeof(Animal));
        _stream.Subscribe(subscribers[2], typeof(Dog));
        _stream.Subscribe(subscribers[2], typeof(IBarks));
        var dog = new Dog();
        for (var i = 0; i < 100; i++)
        {
            _stream.Publish(dog);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            _stream.Publish(dog);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.All(subscribers, s => Assert.Equal(1_100, s.Count));
    }

    /// <summary>Runs the body on dedicated threads and rethrows the first failure after all have ended.</summary>
    private static void RunOnThreads(int count, Action<int> body)
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            try
            {
                body(i);
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        if (failures.TryDequeue(out var failure))
        {
            throw new AggregateException(failures.Prepend(failure));
        }
    }
}
