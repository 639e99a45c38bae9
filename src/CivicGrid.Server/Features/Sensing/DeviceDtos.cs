using CivicGrid.Domain.Telemetry;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>Registration of one device. <c>type</c>, <c>lat</c> and <c>lon</c> are required.</summary>
/// <param name="Type">A device type code, e.g. <c>manhole-cover</c>.</param>
/// <param name="Lat">Latitude (WGS 84).</param>
/// <param name="Lon">Longitude (WGS 84).</param>
/// <param name="Name">A name; defaults to the type's name and the id.</param>
/// <param name="ComponentId">The management component (部件) it watches.</param>
/// <param name="Id">The device id, when the device is already configured with one; generated otherwise.</param>
/// <param name="DepartmentId">The department that looks after it; defaults to the component's owner, then the responsibility rules.</param>
public sealed record RegisterDeviceRequest(string? Type, double? Lat, double? Lon, string? Name, string? ComponentId, string? Id, Guid? DepartmentId);

/// <summary>Changes to a device: name and position are kept when omitted; componentId and departmentId are replaced (null clears them).</summary>
public sealed record UpdateDeviceRequest(string? Name, double? Lat, double? Lon, string? ComponentId, Guid? DepartmentId);

/// <summary>How a device connects: its MQTT credentials and topic, and the HTTP endpoint.</summary>
public sealed record DeviceConnectionDto(string MqttUsername, string MqttTopic, string HttpEndpoint, string HttpTokenHeader);

/// <summary>A registered device with its secret token, which is shown only in this answer.</summary>
public sealed record RegisteredDeviceDto(string Id, string Token, string Type, string GridCode, string CommunityCode, string StreetCode, Guid? DepartmentId, DeviceState State, DeviceConnectionDto Connection);

/// <summary>The latest value of one telemetry name.</summary>
public sealed record LatestValueDto(double Value, string? Raw, DateTimeOffset Ts);

/// <summary>A device (never its token).</summary>
public sealed record DeviceDto(
    string Id,
    string Type,
    string Name,
    double Lat,
    double Lon,
    string GridCode,
    string CommunityCode,
    string StreetCode,
    string? ComponentId,
    Guid? DepartmentId,
    DeviceState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastSeenAt,
    DateTimeOffset? RetiredAt,
    int Version,
    IReadOnlyDictionary<string, LatestValueDto>? Latest);

/// <summary>A page of devices.</summary>
public sealed record DevicePageDto(IReadOnlyList<DeviceDto> Items, int Page, int PageSize, int Total);

/// <summary>A new token for a device (shown once).</summary>
public sealed record DeviceTokenDto(string Id, string Token);

/// <summary>One row of a CSV import that became a device.</summary>
public sealed record ImportedDeviceDto(int Row, string Id, string Token, string Type, string GridCode);

/// <summary>What a CSV import created.</summary>
public sealed record DeviceImportResultDto(int Created, IReadOnlyList<ImportedDeviceDto> Devices);

/// <summary>A telemetry value of a device type's schema.</summary>
public sealed record TelemetryFieldDto(string Name, string Unit, TelemetryValueKind Type, double? Min, double? Max, string NameZh, string NameEn);

/// <summary>A device type and its telemetry schema (public contract).</summary>
public sealed record DeviceTypeDto(string Code, string NameZh, string NameEn, string EventCategoryCode, IReadOnlyList<TelemetryFieldDto> Values)
{
    public static DeviceTypeDto From(DeviceType t) =>
        new(t.Code, t.NameZh, t.NameEn, t.EventCategoryCode,
            [.. t.Fields.Select(f => new TelemetryFieldDto(f.Name, f.Unit, f.Kind, f.Kind == TelemetryValueKind.Number ? f.Min : null, f.Kind == TelemetryValueKind.Number ? f.Max : null, f.NameZh, f.NameEn))]);
}
