using CivicGrid.Server.Features.Intake.Classification;
using CivicGrid.Server.Features.Platform;

namespace CivicGrid.Server.Tests.Features.Intake;

/// <summary>A due retraining waits while the server is busy, but not for ever.</summary>
public sealed class RetrainPostponingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 3, 0, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData(0.2, null, false)] // quiet: start
    [InlineData(0.9, null, true)] // busy: wait for the next check
    [InlineData(0.9, 11.5, true)] // still busy, waited less than the limit
    [InlineData(0.9, 12.0, false)] // waited long enough: start anyway
    [InlineData(0.5, null, false)] // exactly at the limit is not above it
    public void ShouldPostpone(double load, double? waitedHours, bool expected)
    {
        var since = waitedHours is { } h ? Now - TimeSpan.FromHours(h) : (DateTimeOffset?)null;

        Assert.Equal(expected, ClassifierRetrainJob.ShouldPostpone(load, 0.5, since, Now, TimeSpan.FromHours(12)));
    }

    [Fact]
    public void Share_IsCpuTimeOverAllCores()
    {
        Assert.Equal(0.5, ProcessLoad.Share(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 2), 6);
        Assert.Equal(1, ProcessLoad.Share(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), 2), 6);
        Assert.Equal(0, ProcessLoad.Share(TimeSpan.FromSeconds(1), TimeSpan.Zero, 2));
    }

    [Fact]
    public async Task Measure_SeesAThreadThatComputes()
    {
        using var stop = new CancellationTokenSource();
        var spinning = Task.Run(() =>
        {
            var x = 0L;
            while (!stop.IsCancellationRequested)
            {
                x++;
            }

            return x;
        });

        var load = await ProcessLoad.MeasureAsync(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await spinning;

        // At least a share of one core (the machine may be shared, so not a full one).
        Assert.InRange(load, 0.05 / Environment.ProcessorCount, 2);
    }
}
