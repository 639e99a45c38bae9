using System.Net;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Infrastructure.Telemetry;
using CivicGrid.Server.Features.Sensing;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Sensing;

/// <summary>
/// Daily partitions of the raw readings on PostgreSQL: the migration makes the table partitioned,
/// a day's partition takes over the rows that arrived before it, several nodes create and drop
/// partitions at once without failing or counting twice, and dropping a day keeps its series.
/// The days used lie weeks before the shared clock's present, where no other test writes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TelemetryPartitionTests(PostgresApp app) : SensingTest(app)
{
    [Fact]
    public async Task TheMigration_CreatesTheReadingsRangePartitionedOnTs_WithADefaultPartition()
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();

        Assert.True(await TelemetryPartitions.IsPartitionedAsync(db, Ct));
        var (strategy, key, defaultPartition) = await db.Database.SqlQuery<PartitioningRow>($"""
            SELECT p.partstrat::text AS "Strategy", a.attname::text AS "Key", p.partdefid::regclass::text AS "Default"
            FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
            WHERE p.partrelid = 'telemetry_readings'::regclass
            """).SingleAsync(Ct);
        Assert.Equal(("r", "Ts", TelemetryPartitions.DefaultPartition), (strategy, key, defaultPartition));

        // The key and the BRIN index are partitioned ones, inherited by every partition.
        Assert.Equal(["IX_telemetry_readings_Ts:I", "PK_telemetry_readings:I"], await db.Database.SqlQuery<string>($"""
            SELECT relname::text || ':' || relkind::text AS "Value" FROM pg_class
            WHERE relname IN ('PK_telemetry_readings', 'IX_telemetry_readings_Ts') ORDER BY relname
            """).ToListAsync(Ct));
    }

    [Fact]
    public async Task ADaysPartition_TakesOverItsRows_AndRetentionDropsItOnce_KeepingTheSeries()
    {
        var device = await RegisterAsync("air-quality");
        var day = TelemetryPartitions.DayOf(App.Clock.GetUtcNow()).AddDays(-20);
        var start = TelemetryPartitions.StartOf(day);
        var partition = TelemetryPartitions.NameOf(day);
        Assert.DoesNotContain(day, await ListAsync());

        // Before the day has a partition its readings land in the default one.
        await PostAsync(device, start.AddHours(10), start.AddHours(10).AddSeconds(20), start.AddHours(10).AddMinutes(1));
        Assert.Equal([TelemetryPartitions.DefaultPartition], await PartitionsOfAsync(device.Id));

        // Two nodes ensure the partition at once: one creates it, moving the rows; a third call finds it.
        var ensured = await Task.WhenAll(EnsureAsync(day), EnsureAsync(day));
        Assert.Equal([false, true], ensured.Order());
        Assert.False(await EnsureAsync(day));
        Assert.Contains(day, await ListAsync());
        Assert.Equal([partition], await PartitionsOfAsync(device.Id));
        Assert.Equal(6, await RawCountAsync(device.Id));

        // Later readings of the day go straight into it; those of the next day (no partition) into the default one.
        await PostAsync(device, start.AddHours(11));
        await PostAsync(device, start.AddDays(1).AddHours(3));
        Assert.Equal([TelemetryPartitions.DefaultPartition, partition], await PartitionsOfAsync(device.Id));

        var range = $"from={Uri.EscapeDataString(start.ToString("O"))}&to={Uri.EscapeDataString(start.AddDays(2).ToString("O"))}";
        var minutesBefore = await SeriesAsync(device.Id, "minute", range);
        var hoursBefore = await SeriesAsync(device.Id, "hour", range);

        // A cutoff inside the day: the partition and its raw rows stay (a day partition goes whole).
        var midDay = new RetentionPolicy(App.Clock.GetUtcNow() - start.AddHours(12), TimeSpan.FromDays(400), TimeSpan.FromDays(800));
        var kept = await RunAsync(midDay);
        Assert.Equal(0, kept.PartitionsDropped);
        Assert.Equal(8 + 2, await RawCountAsync(device.Id));

        // Two nodes run the pass at once: the partition is rolled up and dropped exactly once.
        var policy = new RetentionPolicy(TimeSpan.FromHours(2), TimeSpan.FromDays(400), TimeSpan.FromDays(800));
        var passes = await Task.WhenAll(RunAsync(policy), RunAsync(policy));
        Assert.Equal(1, passes.Sum(p => p.PartitionsDropped));
        Assert.True(passes.Sum(p => p.RawDeleted) >= 10, $"{passes.Sum(p => p.RawDeleted)} raw rows deleted");
        Assert.DoesNotContain(day, await ListAsync());
        Assert.Equal(0, await RawCountAsync(device.Id));
        Assert.Equal((3 * 2, 2 * 2), await RollupCountsAsync(device.Id, start, start.AddDays(1)));
        Assert.Equal((1 * 2, 1 * 2), await RollupCountsAsync(device.Id, start.AddDays(1), start.AddDays(2)));
        Assert.Equal(minutesBefore, await SeriesAsync(device.Id, "minute", range));
        Assert.Equal(hoursBefore, await SeriesAsync(device.Id, "hour", range));
        var minute = JsonDocument.Parse(minutesBefore).RootElement.GetProperty("pm25")[0];
        Assert.Equal((start.AddHours(10), 15.0, 2L), (minute.GetProperty("ts").GetDateTimeOffset(), minute.GetProperty("avg").GetDouble(), minute.GetProperty("count").GetInt64()));

        var again = await RunAsync(policy);
        Assert.Equal((0, 0, 0), (again.PartitionsDropped, again.RawDeleted, again.RollupsWritten));
    }

    private sealed record PartitioningRow(string Strategy, string Key, string Default);

    /// <summary>Posts one air-quality message per instant (two values each: pm25 = 10 × its position, pm10 = 5).</summary>
    private async Task PostAsync(TestDevice device, params DateTimeOffset[] instants)
    {
        var messages = instants.Select((t, i) => $$$"""{"ts":"{{{t:O}}}","values":{"pm25":{{{10 * (i + 1)}}},"pm10":5}}""");
        var response = await PostTelemetryAsync(device, "[" + string.Join(",", messages) + "]");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<bool> EnsureAsync(DateOnly day)
    {
        using var scope = App.Services.CreateScope();
        return await TelemetryPartitions.EnsureAsync(scope.ServiceProvider.GetRequiredService<CivicGridDbContext>(), day, Ct);
    }

    private async Task<IReadOnlyList<DateOnly>> ListAsync()
    {
        using var scope = App.Services.CreateScope();
        return await TelemetryPartitions.ListAsync(scope.ServiceProvider.GetRequiredService<CivicGridDbContext>(), Ct);
    }

    private async Task<RetentionResult> RunAsync(RetentionPolicy policy)
    {
        using var scope = App.Services.CreateScope();
        return await TelemetryRetention.RunAsync(scope.ServiceProvider.GetRequiredService<CivicGridDbContext>(), policy, App.Clock.GetUtcNow(), Ct);
    }

    /// <summary>The tables the device's raw rows are stored in.</summary>
    private async Task<List<string>> PartitionsOfAsync(string deviceId)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        return await db.Database.SqlQuery<string>($"""
            SELECT DISTINCT tableoid::regclass::text AS "Value" FROM telemetry_readings WHERE "DeviceId" = {deviceId} ORDER BY 1
            """).ToListAsync(Ct);
    }

    private async Task<int> RawCountAsync(string deviceId)
    {
        using var scope = App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().TelemetryReadings.CountAsync(r => r.DeviceId == deviceId, Ct);
    }

    /// <summary>Stored minute and hour roll-ups of the device in [from, to).</summary>
    private async Task<(int Minute, int Hour)> RollupCountsAsync(string deviceId, DateTimeOffset from, DateTimeOffset to)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var rows = await db.TelemetryRollups.Where(r => r.DeviceId == deviceId && r.BucketStart >= from && r.BucketStart < to).Select(r => r.BucketSeconds).ToListAsync(Ct);
        return (rows.Count(s => s == TelemetryRollupRecord.Minute), rows.Count(s => s == TelemetryRollupRecord.Hour));
    }

    private async Task<string> SeriesAsync(string deviceId, string resolution, string range)
    {
        var client = await AsAsync("analyst");
        var response = await client.GetAsync($"/api/v1/devices/{deviceId}/telemetry?resolution={resolution}&{range}", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonSerializer.Serialize(JsonDocument.Parse(text).RootElement.GetProperty("buckets"));
    }
}

/// <summary>The partition job on a server of its own (it changes the table every other test writes to): at start and at every hourly tick of the clock.</summary>
public sealed class TelemetryPartitionJobTests(TelemetryPartitionJobTests.PartitionJobApp app) : SensingTest(app), IClassFixture<TelemetryPartitionJobTests.PartitionJobApp>
{
    [Fact]
    public async Task TheJob_PartitionsYesterdayToDaysAhead_AtStartAndAsTheClockMoves()
    {
        var now = App.Clock.GetUtcNow();
        var window = TelemetryPartitions.Window(now, 2);
        await WaitForPartitionsAsync(window);
        Assert.Equal(0, await App.Services.GetRequiredService<TelemetryPartitionJob>().RunOnceAsync(Ct));

        var device = await RegisterAsync("noise");
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(device, $$$"""{"ts":"{{{Ts(-60)}}}","values":{"db":55}}""")).StatusCode);
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            Assert.Equal(TelemetryPartitions.NameOf(TelemetryPartitions.DayOf(now.AddSeconds(-60))), await db.Database.SqlQuery<string>(
                $"""SELECT tableoid::regclass::text AS "Value" FROM telemetry_readings WHERE "DeviceId" = {device.Id}""").SingleAsync(Ct));
        }

        // The timer exists before the first pass, so the partitions above prove it is waiting: a day later it adds the next one.
        App.Clock.Advance(TimeSpan.FromDays(1));
        await WaitForPartitionsAsync([window[^1].AddDays(1)]);
    }

    private async Task WaitForPartitionsAsync(IReadOnlyList<DateOnly> days)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        IReadOnlyList<DateOnly> existing = [];
        while (!deadline.IsCancellationRequested)
        {
            using (var scope = App.Services.CreateScope())
            {
                existing = await TelemetryPartitions.ListAsync(scope.ServiceProvider.GetRequiredService<CivicGridDbContext>(), Ct);
            }

            if (days.All(existing.Contains))
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"partitions {string.Join(", ", days)} expected, found {string.Join(", ", existing)}");
    }

    public sealed class PartitionJobApp : CivicGridApp
    {
        public PartitionJobApp() => Settings["Telemetry:Partitions:Enabled"] = "true";

        protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
    }
}

/// <summary>Partition names and the window of days the job keeps partitioned: pure functions of the date.</summary>
public sealed class TelemetryPartitionWindowTests
{
    [Fact]
    public void TheWindow_RunsFromYesterdayToDaysAhead_InUtcDays()
    {
        Assert.Equal(
            [new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 3), new DateOnly(2026, 3, 4)],
            TelemetryPartitions.Window(new DateTimeOffset(2026, 3, 2, 23, 59, 59, TimeSpan.Zero), 2));

        // 07:30 in Beijing on 3 March is still 2 March in UTC.
        Assert.Equal([new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 2)], TelemetryPartitions.Window(new DateTimeOffset(2026, 3, 3, 7, 30, 0, TimeSpan.FromHours(8)), 0));
        Assert.Equal("telemetry_readings_p20260302", TelemetryPartitions.NameOf(new DateOnly(2026, 3, 2)));
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), TelemetryPartitions.StartOf(new DateOnly(2026, 3, 2)));
    }
}
