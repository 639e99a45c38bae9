using System.Text;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;
using CivicGrid.Server.Features.Security;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>The device registry over HTTP: staff read, admins write.</summary>
public static class DeviceEndpoints
{
    public const int MaxPageSize = 500;

    public static RouteGroupBuilder MapDevices(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/device-types", () => Results.Ok(DeviceTypes.All.Select(DeviceTypeDto.From).ToList()))
            .WithTags("Devices").RequirePermission(Permission.DevicesRead)
            .WithSummary("Device types and their telemetry schemas (value names, units, types, valid ranges): a public contract.")
            .Produces<List<DeviceTypeDto>>();

        var group = app.MapGroup("/api/v1/devices").WithTags("Devices").RequirePermission(Permission.DevicesRead);
        group.MapPost("/", async (RegisterDeviceRequest request, DeviceRegistry registry, CancellationToken ct) =>
        {
            var created = await registry.RegisterAsync(request, ct);
            return Results.Created($"/api/v1/devices/{created.Id}", created);
        }).RequirePermission(Permission.DevicesManage).WithName("RegisterDevice")
            .WithSummary("Register a device (admin). The answer carries its id and its secret token, shown only once.")
            .Produces<RegisteredDeviceDto>(StatusCodes.Status201Created).ProducesValidationProblem();
        group.MapPost("/import", ImportAsync).RequirePermission(Permission.DevicesManage).WithRequestBodyLimit(16 * 1024 * 1024).WithName("ImportDevices")
            .Accepts<string>("text/csv")
            .WithSummary("Register devices from CSV (admin): header type,lat,lon[,name,componentId,id,departmentCode]; all rows or none. Tokens are shown only once.")
            .Produces<DeviceImportResultDto>(StatusCodes.Status201Created).ProducesValidationProblem();
        group.MapGet("/", ListAsync).WithName("ListDevices")
            .WithSummary("List devices, filtered by type, state, grid, community or street.")
            .Produces<DevicePageDto>().ProducesValidationProblem();
        group.MapGet("/{id}", GetAsync).WithName("GetDevice")
            .WithSummary("A device with its latest values.")
            .Produces<DeviceDto>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}", async (string id, UpdateDeviceRequest request, DeviceRegistry registry, HttpContext http, CancellationToken ct) =>
        {
            var device = await registry.UpdateAsync(id, request, IfMatchVersion(http.Request), ct);
            http.Response.Headers.ETag = ETags.For(device.Version);
            return Results.Ok(ToDto(device, null));
        }).RequirePermission(Permission.DevicesManage).WithName("UpdateDevice")
            .WithSummary("Change a device's name, position, component or department (admin); If-Match checks the version.")
            .Produces<DeviceDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{id}", async (string id, DeviceRegistry registry, CancellationToken ct) =>
        {
            await registry.RetireAsync(id, ct);
            return Results.NoContent();
        }).RequirePermission(Permission.DevicesManage).WithName("RetireDevice")
            .WithSummary("Retire a device (admin): its token is refused from now on; its history stays.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/token", async (string id, DeviceRegistry registry, CancellationToken ct) =>
            Results.Ok(await registry.RotateTokenAsync(id, ct)))
            .RequirePermission(Permission.DevicesManage).WithName("RotateDeviceToken")
            .WithSummary("Issue a new token for a device (admin); the old one stops working. Shown only once.")
            .Produces<DeviceTokenDto>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, DeviceRegistry registry, CancellationToken ct)
    {
        using var body = new StreamReader(request.Body, Encoding.UTF8);
        using var reader = new StringReader(await body.ReadToEndAsync(ct));
        try
        {
            var result = await registry.ImportAsync(reader, ct);
            return Results.Created("/api/v1/devices", result);
        }
        catch (DeviceImportException e)
        {
            return Results.ValidationProblem(e.Errors, detail: e.Message, title: "Invalid import");
        }
    }

    private static async Task<IResult> ListAsync(
        CivicGridDbContext db, string? type, DeviceState? state, string? gridCode, string? communityCode, string? streetCode, string? componentId, int? page, int? pageSize, CancellationToken ct)
    {
        var p = page ?? 1;
        var size = pageSize ?? 50;
        if (p < 1)
        {
            throw new DomainValidationException("page", "page starts at 1.");
        }

        if (size is < 1 or > MaxPageSize)
        {
            throw new DomainValidationException("pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
        }

        if (type is not null && DeviceTypes.Find(type) is null)
        {
            throw new DomainValidationException("type", $"type is one of: {string.Join(", ", DeviceTypes.All.Select(t => t.Code))}.");
        }

        var q = db.Devices.AsNoTracking();
        q = type is null ? q : q.Where(d => d.Type == type);
        q = state is null ? q : q.Where(d => d.State == state);
        q = gridCode is null ? q : q.Where(d => d.GridCode == gridCode);
        q = communityCode is null ? q : q.Where(d => d.CommunityCode == communityCode);
        q = streetCode is null ? q : q.Where(d => d.StreetCode == streetCode);
        q = componentId is null ? q : q.Where(d => d.ComponentId == componentId);
        var total = await q.CountAsync(ct);
        var items = await q.OrderBy(d => d.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return Results.Ok(new DevicePageDto([.. items.Select(d => ToDto(d, null))], p, size, total));
    }

    private static async Task<IResult> GetAsync(string id, CivicGridDbContext db, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        var device = await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException("Device", id);
        var latest = await TelemetryQueries.LatestAsync(db, device, clock.GetUtcNow(), ct);
        http.Response.Headers.ETag = ETags.For(device.Version);
        return Results.Ok(ToDto(device, latest));
    }

    public static DeviceDto ToDto(Device d, IReadOnlyDictionary<string, LatestValueDto>? latest) =>
        new(d.Id, d.Type, d.Name, d.Latitude, d.Longitude, d.GridCode, d.CommunityCode, d.StreetCode, d.ComponentId, d.DepartmentId, d.State,
            d.CreatedAt, d.UpdatedAt, d.LastSeenAt, d.RetiredAt, d.Version, latest);

    private static int? IfMatchVersion(HttpRequest request)
    {
        var ifMatch = request.Headers.IfMatch.ToString().Trim();
        if (ifMatch.Length == 0 || ifMatch == "*")
        {
            return null;
        }

        var tag = ifMatch.StartsWith("W/", StringComparison.Ordinal) ? ifMatch[2..] : ifMatch;
        return tag.Length > 3 && tag[0] == '"' && tag[1] == 'v' && int.TryParse(tag[2..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new PreconditionFailedException($"If-Match {ifMatch} is not a version of this device.");
    }
}
