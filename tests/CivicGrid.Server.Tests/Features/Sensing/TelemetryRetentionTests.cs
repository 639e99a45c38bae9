using System.Net;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Infrastructure.Telemetry;
using CivicGrid.Server.Features.Sensing;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Sensing;

/// <summary>Retention per resolution: raw hours compacted into roll-ups that answer the same series, each resolution deleted after its period, two nodes at once.</summary>
public abstract class TelemetryRetentionTests(CivicGridApp app) : SensingTest(app)
{
    private static readonly RetentionPolicy Short = new(Raw: TimeSpan.FromHours(2), Minute: TimeSpan.FromDays(1), Hour: TimeSpan.FromDays(3));

    [Fact]
    public async Task Retention_CompactsOldHours_KeepsTheSeries_AndDropsEachResolutionAfterItsPeriod()
    {
        var device = await RegisterAsync("air-quality");
        var old = TelemetryRetention.FloorToHour(App.Clock.GetUtcNow()).AddHours(-4);
        var messages = Enumerable.Range(0, 6).Select(i => $$$"""{"ts":"{{{old.AddSeconds(i * 20):O}}}","values":{"pm25":{{{10 * (i + 1)}}},"pm10":5}}""")
            .Append($$$"""{"ts":"{{{Ts(-30)}}}","values":{"pm25":7,"pm10":3}}""");
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(device, "[" + string.Join(",", messages) + "]")).StatusCode);
        var range = $"from={Uri.EscapeDataString(old.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(App.Clock.GetUtcNow().AddMinutes(1).ToString("O"))}";
        var minutesBefore = await SeriesAsync(device.Id, "minute", range);
        var hoursBefore = await SeriesAsync(device.Id, "hour", range);

        // Two nodes run the same pass at the same moment.
        var passes = await Task.WhenAll(RunAsync(), RunAsync());

        Assert.True(passes.Sum(p => p.RawDeleted) >= 12);
        Assert.Equal((0, 2), await RawCountsAsync(device.Id, old.AddHours(1)));
        Assert.Equal((4, 2), await RollupCountsAsync(device.Id, old.AddHours(1)));
        Assert.Equal(minutesBefore, await SeriesAsync(device.Id, "minute", range));
        Assert.Equal(hoursBefore, await SeriesAsync(device.Id, "hour", range));
        var minute = JsonDocument.Parse(minutesBefore).RootElement.GetProperty("pm25")[0];
        Assert.Equal((old, 20.0, 3L), (minute.GetProperty("ts").GetDateTimeOffset(), minute.GetProperty("avg").GetDouble(), minute.GetProperty("count").GetInt64()));

        var again = await RunAsync();
        Assert.Equal((0, 0), (again.RawDeleted, again.RollupsWritten));
        Assert.Equal((4, 2), await RollupCountsAsync(device.Id, old.AddHours(1)));

        App.Clock.Advance(TimeSpan.FromDays(1));
        await Task.WhenAll(RunAsync(), RunAsync());
        Assert.Equal((0, 2), await RollupCountsAsync(device.Id, old.AddHours(1)));
        Assert.Equal(hoursBefore, await SeriesAsync(device.Id, "hour", range));

        App.Clock.Advance(TimeSpan.FromDays(2));
        await RunAsync();
        Assert.Equal((0, 0), await RollupCountsAsync(device.Id, old.AddHours(1)));
    }

    [Fact]
    public async Task RetentionJob_WithTheDefaultPolicy_KeepsRecentReadings()
    {
        var device = await RegisterAsync("noise");
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(device, $$$"""{"ts":"{{{Ts(-60)}}}","values":{"db":55}}""")).StatusCode);

        await App.Services.GetRequiredService<TelemetryRetentionJob>().RunOnceAsync(Ct);

        Assert.Equal((0, 1), await RawCountsAsync(device.Id, App.Clock.GetUtcNow().AddHours(-1)));
    }

    private async Task<RetentionResult> RunAsync()
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        return await TelemetryRetention.RunAsync(db, Short, App.Clock.GetUtcNow(), Ct);
    }

    private async Task<string> SeriesAsync(string deviceId, string resolution, string range)
    {
        var client = await AsAsync("analyst");
        var response = await client.GetAsync($"/api/v1/devices/{deviceId}/telemetry?resolution={resolution}&{range}", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonSerializer.Serialize(JsonDocument.Parse(text).RootElement.GetProperty("buckets"));
    }

    /// <summary>Raw value rows (one per value name) of the device before and from an instant.</summary>
    private async Task<(int Before, int After)> RawCountsAsync(string deviceId, DateTimeOffset at)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var rows = await db.TelemetryReadings.Where(r => r.DeviceId == deviceId).Select(r => r.Ts).ToListAsync(Ct);
        return (rows.Count(t => t < at), rows.Count(t => t >= at));
    }

    /// <summary>Stored minute and hour roll-ups of the device before an instant.</summary>
    private async Task<(int Minute, int Hour)> RollupCountsAsync(string deviceId, DateTimeOffset before)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var rows = await db.TelemetryRollups.Where(r => r.DeviceId == deviceId && r.BucketStart < before).Select(r => r.BucketSeconds).ToListAsync(Ct);
        return (rows.Count(s => s == TelemetryRollupRecord.Minute), rows.Count(s => s == TelemetryRollupRecord.Hour));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class TelemetryRetentionTestsOnSqlite(SqliteApp app) : TelemetryRetentionTests(app);

[Collection(PostgresCollection.Name)]
public sealed class TelemetryRetentionTestsOnPostgres(PostgresApp app) : TelemetryRetentionTests(app);
