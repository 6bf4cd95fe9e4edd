using Mesh.Simulator.Time;

namespace Mesh.Simulator.Tests.Time;

public class VirtualClockTests
{
    [Fact]
    public void Events_run_in_time_order_and_ties_in_scheduling_order()
    {
        var clock = new VirtualClock();
        var order = new List<string>();
        clock.Schedule(TimeSpan.FromSeconds(2), () => order.Add("b"));
        clock.Schedule(TimeSpan.FromSeconds(1), () => order.Add("a1"));
        clock.Schedule(TimeSpan.FromSeconds(1), () => order.Add("a2"));

        clock.RunFor(TimeSpan.FromSeconds(5));

        Assert.Equal(["a1", "a2", "b"], order);
        Assert.Equal(TimeSpan.FromSeconds(5), clock.Elapsed);
    }

    [Fact]
    public void Periodic_timers_fire_at_each_period_until_disposed()
    {
        var clock = new VirtualClock();
        var fired = new List<TimeSpan>();
        var timer = clock.CreateTimer(_ => fired.Add(clock.Elapsed), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(50));

        clock.RunUntil(TimeSpan.FromMilliseconds(260));
        timer.Dispose();
        clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal([100, 150, 200, 250], fired.Select(t => t.TotalMilliseconds));
    }

    [Fact]
    public void Changing_a_timer_cancels_its_previous_due_time()
    {
        var clock = new VirtualClock();
        var fired = new List<TimeSpan>();
        var timer = clock.CreateTimer(_ => fired.Add(clock.Elapsed), null, TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan);

        timer.Change(TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
        clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal([300.0], fired.Select(t => t.TotalMilliseconds));
    }

    [Fact]
    public void Timeprovider_delays_complete_in_virtual_time()
    {
        var clock = new VirtualClock();
        var delay = Task.Delay(TimeSpan.FromHours(1), clock);

        clock.RunFor(TimeSpan.FromMinutes(59));
        Assert.False(delay.IsCompleted);
        clock.RunFor(TimeSpan.FromMinutes(1));

        Assert.True(delay.IsCompleted);
        Assert.Equal(VirtualClock.Epoch + TimeSpan.FromHours(1), clock.GetUtcNow());
    }

    [Fact]
    public void Run_until_condition_stops_as_soon_as_it_holds()
    {
        var clock = new VirtualClock();
        var count = 0;
        using var timer = clock.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        Assert.True(clock.RunUntil(() => count == 3, TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromSeconds(3), clock.Elapsed);
        Assert.False(clock.RunUntil(() => count == 100, TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(13), clock.Elapsed);
    }
}
