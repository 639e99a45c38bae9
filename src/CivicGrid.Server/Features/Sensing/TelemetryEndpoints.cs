using System.Globalization;
using System.Security.Claims;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using CivicGrid.Server.Features.Security;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>Telemetry over HTTP: devices post with their token; staff read series and dead letters.</summary>
public static class TelemetryEndpoints
{
    /// <summary>What a stored telemetry post answers.</summary>
    public sealed record IngestResultDto(int Stored, int Duplicates, int DeadLettered);

    /// <summary>A refused message kept for inspection.</summary>
    public sealed record DeadLetterDto(long Id, string DeviceId, string Channel, string? Topic, DateTimeOffset ReceivedAt, string Reason, string Field, string Message, string Payload);

    public static IEndpointRouteBuilder MapTelemetry(this IEndpointRouteBuilder app)
    {
        // Devices are not users: this endpoint accepts only a device token (scheme device-token), never a user's bearer token.
        app.MapPost("/api/v1/devices/{id}/telemetry", PostAsync)
            .RequireAuthorization(DeviceTokenAuthentication.PolicyName)
            .DisableAntiforgery()
            .WithTags("Telemetry").WithName("PostTelemetry")
            .Accepts<TelemetryPayloadDoc>("application/json")
            .WithSummary("A device posts telemetry: {\"ts\": ISO 8601, \"values\": {name: number|bool}} or an array of them. Authenticate with X-Device-Token (or Authorization: Bearer <device token>). Answered once durably stored.")
            .Produces<IngestResultDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status429TooManyRequests);

        var staff = app.MapGroup("/api/v1").WithTags("Telemetry").RequirePermission(Permission.TelemetryRead);
        staff.MapGet("/devices/{id}/telemetry", GetSeriesAsync).WithName("GetTelemetry")
            .WithSummary("A device's telemetry between from and to (default: the last 24 hours), raw or as minute/hour min/max/avg/count.")
            .Produces<TelemetrySeriesDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        staff.MapGet("/telemetry/aggregate", AggregateAsync).WithName("AggregateTelemetry")
            .WithSummary("Roll-up over an area or asset type: min/max/avg/count per minute or hour of one value across the devices of a type in a grid, community or street (or all of them).")
            .Produces<AreaSeriesDto>().ProducesValidationProblem();
        staff.MapGet("/telemetry/dead-letters", ListDeadLettersAsync).WithName("ListDeadLetters")
            .WithSummary("Refused telemetry messages with the reason, newest first.")
            .Produces<List<DeadLetterDto>>();
        return app;
    }

    /// <summary>An area's roll-up of one value over the devices of a type.</summary>
    public sealed record AreaSeriesDto(string Type, string Name, string? GridCode, string? CommunityCode, string? StreetCode, int Devices, TelemetryResolution Resolution, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<TelemetryBucketDto> Buckets);

    /// <summary>The telemetry payload as documented (DESIGN.md).</summary>
    public sealed record TelemetryPayloadDoc(DateTimeOffset Ts, IDictionary<string, object> Values);

    private static async Task<IResult> PostAsync(string id, HttpContext http, ClaimsPrincipal user, TelemetryIngress ingress, IOptions<TelemetryOptions> options, SensingMetrics metrics, CancellationToken ct)
    {
        var deviceId = user.FindFirstValue(DeviceTokenAuthentication.DeviceIdClaim);
        if (!string.Equals(deviceId, id, StringComparison.Ordinal))
        {
            metrics.Rejected("http", "otherDevice");
            return Results.Problem(statusCode: 403, title: "Forbidden", detail: "A device may post only its own telemetry: the token belongs to another device.");
        }

        var type = DeviceTypes.Find(user.FindFirstValue(DeviceTokenAuthentication.DeviceTypeClaim))!;
        var max = options.Value.MaxPayloadBytes;
        if (http.Request.ContentLength > max)
        {
            metrics.Rejected("http", "tooLarge");
            return Results.Problem(statusCode: 413, title: "Request too large", detail: $"A telemetry body has at most {max} bytes.");
        }

        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > max)
            {
                metrics.Rejected("http", "tooLarge");
                return Results.Problem(statusCode: 413, title: "Request too large", detail: $"A telemetry body has at most {max} bytes.");
            }

            body.Write(buffer, 0, read);
        }

        var outcome = await ingress.SubmitAsync(new DeviceIdentity(id, type), "http", null, body.GetBuffer().AsMemory(0, (int)body.Length), ct);
        if (outcome.Status == IngestStatus.RateLimited)
        {
            http.Response.Headers.RetryAfter = "1";
            return Results.Problem(statusCode: 429, title: "Too many messages",
                detail: string.Create(CultureInfo.InvariantCulture, $"Device {id} sends more than {options.Value.MaxMessagesPerSecond} messages per second (burst {options.Value.Burst}); nothing was stored."));
        }

        if (outcome.Rejections.Count > 0)
        {
            var errors = outcome.Rejections.GroupBy(r => r.Field, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(r => r.Message).ToArray(), StringComparer.Ordinal);
            return Results.ValidationProblem(errors,
                title: "Invalid telemetry",
                detail: string.Create(CultureInfo.InvariantCulture, $"{outcome.Rejections.Count} message(s) refused and kept as dead letters; {outcome.Stored} stored, {outcome.Duplicates} duplicate(s)."),
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["stored"] = outcome.Stored,
                    ["duplicates"] = outcome.Duplicates,
                    ["deadLettered"] = outcome.Rejections.Count,
                    ["reasons"] = outcome.Rejections.Select(r => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(r.Reason.ToString())).Distinct().ToArray(),
                });
        }

        return Results.Ok(new IngestResultDto(outcome.Stored, outcome.Duplicates, 0));
    }

    private static async Task<IResult> GetSeriesAsync(
        string id, DateTimeOffset? from, DateTimeOffset? to, string? resolution, string? name, CivicGridDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var device = await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException("Device", id);
        var res = TelemetryResolution.Raw;
        if (resolution is not null && (!Enum.TryParse(resolution, ignoreCase: true, out res) || int.TryParse(resolution, CultureInfo.InvariantCulture, out _)))
        {
            throw new DomainValidationException("resolution", "resolution is raw, minute or hour.");
        }

        return Results.Ok(await TelemetryQueries.SeriesAsync(db, device, from, to, res, name, clock.GetUtcNow(), ct));
    }

    private static async Task<IResult> AggregateAsync(
        string? type, string? name, string? gridCode, string? communityCode, string? streetCode, DateTimeOffset? from, DateTimeOffset? to, string? resolution,
        CivicGridDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var deviceType = DeviceTypes.Find(type) ?? throw new DomainValidationException("type", $"type is one of: {string.Join(", ", DeviceTypes.All.Select(t => t.Code))}.");
        if (name is null || deviceType.Field(name) is null)
        {
            throw new DomainValidationException("name", $"name is one of {deviceType.Code}'s values: {string.Join(", ", deviceType.Fields.Select(f => f.Name))}.");
        }

        var res = TelemetryResolution.Hour;
        if (resolution is not null && (!Enum.TryParse(resolution, ignoreCase: true, out res) || res == TelemetryResolution.Raw || int.TryParse(resolution, CultureInfo.InvariantCulture, out _)))
        {
            throw new DomainValidationException("resolution", "resolution is minute or hour.");
        }

        var end = (to ?? clock.GetUtcNow()).ToUniversalTime();
        var start = (from ?? end.AddDays(-1)).ToUniversalTime();
        var maxSpan = res == TelemetryResolution.Minute ? TimeSpan.FromDays(2) : TimeSpan.FromDays(62);
        if (start >= end || end - start > maxSpan)
        {
            throw new DomainValidationException("from", $"from lies before to, at most {maxSpan.TotalDays:0} days before it at this resolution.");
        }

        var q = db.Devices.AsNoTracking().Where(d => d.Type == deviceType.Code);
        q = gridCode is null ? q : q.Where(d => d.GridCode == gridCode);
        q = communityCode is null ? q : q.Where(d => d.CommunityCode == communityCode);
        q = streetCode is null ? q : q.Where(d => d.StreetCode == streetCode);
        var ids = await q.Select(d => d.Id).ToListAsync(ct);
        var buckets = ids.Count == 0
            ? new Dictionary<string, IReadOnlyList<TelemetryBucketDto>>(StringComparer.Ordinal)
            : await TelemetryQueries.AggregateAsync(db, ids, name, start, end, res == TelemetryResolution.Minute ? TimeSpan.FromMinutes(1) : TimeSpan.FromHours(1), ct);
        return Results.Ok(new AreaSeriesDto(deviceType.Code, name, gridCode, communityCode, streetCode, ids.Count, res, start, end, buckets.GetValueOrDefault(name) ?? []));
    }

    private static async Task<IResult> ListDeadLettersAsync(string? deviceId, string? reason, DateTimeOffset? from, DateTimeOffset? to, int? limit, CivicGridDbContext db, CancellationToken ct)
    {
        var take = limit ?? 100;
        if (take is < 1 or > 1000)
        {
            throw new DomainValidationException("limit", "limit must be between 1 and 1000.");
        }

        var q = db.TelemetryDeadLetters.AsNoTracking();
        q = deviceId is null ? q : q.Where(d => d.DeviceId == deviceId);
        q = reason is null ? q : q.Where(d => d.Reason == reason);
        if (from is { } f)
        {
            var fu = f.ToUniversalTime();
            q = q.Where(d => d.ReceivedAt >= fu);
        }

        if (to is { } t)
        {
            var tu = t.ToUniversalTime();
            q = q.Where(d => d.ReceivedAt < tu);
        }

        var rows = await q.OrderByDescending(d => d.Id).Take(take)
            .Select(d => new DeadLetterDto(d.Id, d.DeviceId, d.Channel, d.Topic, d.ReceivedAt, d.Reason, d.Field, d.Message, d.Payload))
            .ToListAsync(ct);
        return Results.Ok(rows);
    }
}
