using System.Globalization;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.CityModel;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>Registration, changes and retirement of devices, one transaction per command.</summary>
public sealed class DeviceRegistry(CivicGridDbContext db, GridLocator grids, MqttBroker broker, ExternalMqttConsumer external, TimeProvider clock)
{
    public const int MaxImportRows = 10_000;

    public CivicGridDbContext Db => db;

    /// <summary>The MQTT topic a device publishes to.</summary>
    public static string TopicOf(string deviceId) => $"civicgrid/v1/devices/{deviceId}/telemetry";

    public async Task<RegisteredDeviceDto> RegisterAsync(RegisterDeviceRequest request, CancellationToken ct)
    {
        var rules = await db.ResponsibilityRules.AsNoTracking().ToListAsync(ct);
        var (device, token) = await PrepareAsync(request, string.Empty, rules, new HashSet<string>(StringComparer.Ordinal), ct);
        db.Devices.Add(device);
        await db.SaveChangesAsync(ct);
        return Registered(device, token);
    }

    /// <summary>Imports a CSV (header: type,lat,lon[,name,componentId,id,departmentCode]); all rows or none.</summary>
    public async Task<DeviceImportResultDto> ImportAsync(TextReader csv, CancellationToken ct)
    {
        var rows = SeedCsv.Read(csv);
        if (rows.Count == 0)
        {
            throw new DomainValidationException("body", "The CSV has no rows; the header names the columns type,lat,lon[,name,componentId,id,departmentCode].");
        }

        if (rows.Count > MaxImportRows)
        {
            throw new DomainValidationException("body", $"At most {MaxImportRows} rows per import.");
        }

        foreach (var column in new[] { "type", "lat", "lon" })
        {
            if (!rows[0].ContainsKey(column))
            {
                throw new DomainValidationException("body", $"The CSV header lacks the column '{column}'.");
            }
        }

        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Code, d => d.Id, StringComparer.Ordinal, ct);
        var rules = await db.ResponsibilityRules.AsNoTracking().ToListAsync(ct);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var created = new List<(int Row, Device Device, string Token)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var rowNumber = i + 2; // the header is line 1
            var prefix = string.Create(CultureInfo.InvariantCulture, $"rows[{rowNumber}].");
            try
            {
                Guid? departmentId = null;
                if (Cell(row, "departmentCode") is { } code)
                {
                    departmentId = departments.TryGetValue(code, out var d) ? d : throw new DomainValidationException("departmentCode", $"Department '{code}' does not exist.");
                }

                var request = new RegisterDeviceRequest(
                    Cell(row, "type"), Number(row, "lat"), Number(row, "lon"), Cell(row, "name"), Cell(row, "componentId"), Cell(row, "id"), departmentId);
                var (device, token) = await PrepareAsync(request, prefix, rules, ids, ct);
                created.Add((rowNumber, device, token));
            }
            catch (DomainValidationException e)
            {
                errors[e.Field.StartsWith(prefix, StringComparison.Ordinal) ? e.Field : prefix + e.Field] = [e.Message];
                if (errors.Count >= 100)
                {
                    break;
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new DeviceImportException(errors);
        }

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Devices.AddRange(created.Select(c => c.Device));
        await db.SaveChangesAsync(ct);
        return new DeviceImportResultDto(created.Count, [.. created.Select(c => new ImportedDeviceDto(c.Row, c.Device.Id, c.Token, c.Device.Type, c.Device.GridCode))]);
    }

    public async Task<Device> UpdateAsync(string id, UpdateDeviceRequest request, int? expectedVersion, CancellationToken ct)
    {
        var device = await LoadAsync(id, ct);
        if (expectedVersion is { } v && v != device.Version)
        {
            throw new PreconditionFailedException($"Device {id} is at version {device.Version}, not {v}.");
        }

        DevicePlacement? placement = null;
        if (request.Lat is not null || request.Lon is not null)
        {
            placement = await PlaceAsync(request.Lat, request.Lon, string.Empty, ct);
        }

        await CheckComponentAsync(request.ComponentId, string.Empty, ct);
        await CheckDepartmentAsync(request.DepartmentId, string.Empty, ct);
        device.Update(request.Name, placement, request.ComponentId, request.DepartmentId, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return device;
    }

    public async Task RetireAsync(string id, CancellationToken ct)
    {
        var device = await LoadAsync(id, ct);
        device.Retire(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await broker.DisconnectAsync(id);
        external.Forget(id);
    }

    public async Task<DeviceTokenDto> RotateTokenAsync(string id, CancellationToken ct)
    {
        var device = await LoadAsync(id, ct);
        var token = device.RotateToken(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await broker.DisconnectAsync(id);
        external.Forget(id);
        return new DeviceTokenDto(device.Id, token);
    }

    private async Task<Device> LoadAsync(string id, CancellationToken ct) =>
        await db.Devices.FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException("Device", id);

    private async Task<(Device, string)> PrepareAsync(RegisterDeviceRequest request, string prefix, IReadOnlyList<ResponsibilityRule> rules, HashSet<string> batchIds, CancellationToken ct)
    {
        var type = DeviceTypes.Find(request.Type)
            ?? throw new DomainValidationException(prefix + "type", $"type is one of: {string.Join(", ", DeviceTypes.All.Select(t => t.Code))}.");
        var placement = await PlaceAsync(request.Lat, request.Lon, prefix, ct);
        var given = !string.IsNullOrWhiteSpace(request.Id);
        var id = given ? request.Id!.Trim() : Device.NewId();
        if (!Device.IsValidId(id))
        {
            throw new DomainValidationException(prefix + "id", "A device id has 3–64 letters, digits, '-', '_' or '.', starting with a letter or digit.");
        }

        if (!batchIds.Add(id) || (given && await db.Devices.AnyAsync(d => d.Id == id, ct)))
        {
            throw new DomainValidationException(prefix + "id", $"Device {id} already exists.");
        }

        if (request.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100))
        {
            throw new DomainValidationException(prefix + "name", "Name the device (at most 100 characters).");
        }

        var ownerOfComponent = await CheckComponentAsync(request.ComponentId, prefix, ct);
        await CheckDepartmentAsync(request.DepartmentId, prefix, ct);
        var departmentId = request.DepartmentId ?? ownerOfComponent ?? ResponsibilityRule.Resolve(rules, type.EventCategoryCode, placement.StreetCode);
        return Device.Register(id, type, request.Name, placement, string.IsNullOrWhiteSpace(request.ComponentId) ? null : request.ComponentId, departmentId, clock.GetUtcNow());
    }

    private async Task<DevicePlacement> PlaceAsync(double? lat, double? lon, string prefix, CancellationToken ct)
    {
        if (lat is not { } la || !double.IsFinite(la) || la is < -90 or > 90)
        {
            throw new DomainValidationException(prefix + "lat", "lat is a latitude between -90 and 90.");
        }

        if (lon is not { } lo || !double.IsFinite(lo) || lo is < -180 or > 180)
        {
            throw new DomainValidationException(prefix + "lon", "lon is a longitude between -180 and 180.");
        }

        var location = await grids.LocateAsync(lo, la, ct)
            ?? throw new DomainValidationException(prefix + "lon", "The position lies outside every unit grid of the district.");
        return new DevicePlacement(lo, la, location.GridCode, location.CommunityCode, location.StreetCode);
    }

    private async Task<Guid?> CheckComponentAsync(string? componentId, string prefix, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(componentId))
        {
            return null;
        }

        var owner = await db.Components.AsNoTracking().Where(c => c.Id == componentId).Select(c => (Guid?)c.OwnerDepartmentId).FirstOrDefaultAsync(ct);
        return owner ?? throw new DomainValidationException(prefix + "componentId", $"Component '{componentId}' does not exist.");
    }

    private async Task CheckDepartmentAsync(Guid? departmentId, string prefix, CancellationToken ct)
    {
        if (departmentId is { } d && !await db.Departments.AnyAsync(x => x.Id == d, ct))
        {
            throw new DomainValidationException(prefix + "departmentId", $"Department '{d}' does not exist.");
        }
    }

    private static RegisteredDeviceDto Registered(Device d, string token) =>
        new(d.Id, token, d.Type, d.GridCode, d.CommunityCode, d.StreetCode, d.DepartmentId, d.State, ConnectionOf(d.Id));

    public static DeviceConnectionDto ConnectionOf(string id) =>
        new(id, TopicOf(id), $"/api/v1/devices/{id}/telemetry", DeviceTokenAuthentication.HeaderName);

    private static string? Cell(IReadOnlyDictionary<string, string> row, string column) =>
        row.TryGetValue(column, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    private static double? Number(IReadOnlyDictionary<string, string> row, string column)
    {
        if (Cell(row, column) is not { } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new DomainValidationException(column, $"{column} '{text}' is not a number.");
    }
}

/// <summary>A CSV import with bad rows: 400 with every bad row's field named (<c>rows[3].lat</c>).</summary>
public sealed class DeviceImportException(IDictionary<string, string[]> errors)
    : Exception($"{errors.Count} row(s) of the import are invalid; nothing was imported.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}
