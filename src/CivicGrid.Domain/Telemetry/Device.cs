using System.Security.Cryptography;
using System.Text;
using CivicGrid.Domain.Common;

namespace CivicGrid.Domain.Telemetry;

/// <summary>Where a device is in its life.</summary>
public enum DeviceState
{
    /// <summary>Registered, never heard from.</summary>
    Provisioned,

    /// <summary>Sending telemetry.</summary>
    Active,

    /// <summary>Was active, but nothing arrived for longer than the silence limit.</summary>
    Silent,

    /// <summary>Taken out of service: its token is refused and it is kept only for history.</summary>
    Retired,
}

/// <summary>Where a device stands: its position and the grid, community and street it resolves to.</summary>
public sealed record DevicePlacement(double Longitude, double Latitude, string GridCode, string CommunityCode, string StreetCode);

/// <summary>
/// 感知设备: a sensor in public space. It authenticates with a per-device secret token, of which only
/// a SHA-256 hash is kept (the token is 256 random bits, so a fast hash is enough).
/// </summary>
public sealed class Device
{
    /// <summary>The longest device id (it appears in MQTT topics and URLs).</summary>
    public const int MaxIdLength = 64;

    private const string TokenPrefix = "cgd_";

    private Device()
    {
        Id = string.Empty;
        Type = string.Empty;
        Name = string.Empty;
        GridCode = string.Empty;
        CommunityCode = string.Empty;
        StreetCode = string.Empty;
        TokenHash = string.Empty;
    }

    public string Id { get; private set; }

    /// <summary>The <see cref="DeviceType"/> code.</summary>
    public string Type { get; private set; }

    public string Name { get; private set; }

    public double Longitude { get; private set; }

    public double Latitude { get; private set; }

    public string GridCode { get; private set; }

    public string CommunityCode { get; private set; }

    public string StreetCode { get; private set; }

    /// <summary>The management component (部件) the device watches, if any.</summary>
    public string? ComponentId { get; private set; }

    /// <summary>The department that looks after the device.</summary>
    public Guid? DepartmentId { get; private set; }

    public DeviceState State { get; private set; }

    /// <summary>SHA-256 of the token, lower-case hex.</summary>
    public string TokenHash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>When telemetry last arrived (server time).</summary>
    public DateTimeOffset? LastSeenAt { get; private set; }

    public DateTimeOffset? RetiredAt { get; private set; }

    /// <summary>Optimistic concurrency token.</summary>
    public int Version { get; private set; }

    /// <summary>Registers a device; returns it and its token, which is shown once and never stored.</summary>
    public static (Device Device, string Token) Register(string id, DeviceType type, string? name, DevicePlacement placement, string? componentId, Guid? departmentId, DateTimeOffset now)
    {
        RequireValidId(id);
        var token = NewToken();
        var device = new Device
        {
            Id = id,
            Type = type.Code,
            State = DeviceState.Provisioned,
            TokenHash = HashToken(token),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        device.Rename(name ?? $"{type.NameZh} {id}");
        device.Place(placement);
        device.ComponentId = componentId;
        device.DepartmentId = departmentId;
        return (device, token);
    }

    /// <summary>Whether an id may name a device: 3–64 of letters, digits, <c>-</c>, <c>_</c>, <c>.</c> (nothing MQTT treats specially).</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: >= 3 and <= MaxIdLength }
        && char.IsAsciiLetterOrDigit(id[0])
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>A new random device id (32 hex digits).</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>SHA-256 of a token as lower-case hex.</summary>
    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether the token is this device's (constant-time comparison of the hashes).</summary>
    public bool TokenMatches(string? token) =>
        !string.IsNullOrEmpty(token)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashToken(token)), Encoding.ASCII.GetBytes(TokenHash));

    /// <summary>Whether the device may publish (any state but retired).</summary>
    public bool MayPublish => State != DeviceState.Retired;

    public void Rename(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)
        {
            throw new DomainValidationException("name", "Name the device (at most 100 characters).");
        }

        Name = name.Trim();
    }

    public void Place(DevicePlacement placement)
    {
        Longitude = placement.Longitude;
        Latitude = placement.Latitude;
        GridCode = placement.GridCode;
        CommunityCode = placement.CommunityCode;
        StreetCode = placement.StreetCode;
    }

    /// <summary>Changes the editable attributes.</summary>
    public void Update(string? name, DevicePlacement? placement, string? componentId, Guid? departmentId, DateTimeOffset now)
    {
        RequireNotRetired();
        if (name is not null)
        {
            Rename(name);
        }

        if (placement is not null)
        {
            Place(placement);
        }

        ComponentId = componentId;
        DepartmentId = departmentId;
        Touch(now);
    }

    /// <summary>Issues a new token; the old one stops working.</summary>
    public string RotateToken(DateTimeOffset now)
    {
        RequireNotRetired();
        var token = NewToken();
        TokenHash = HashToken(token);
        Touch(now);
        return token;
    }

    /// <summary>Retires the device; its token is refused from now on. Retiring twice changes nothing.</summary>
    public void Retire(DateTimeOffset now)
    {
        if (State == DeviceState.Retired)
        {
            return;
        }

        State = DeviceState.Retired;
        RetiredAt = now;
        Touch(now);
    }

    /// <summary>Marks the device silent when it has said nothing since <paramref name="silentBefore"/>; returns whether it changed.</summary>
    public bool MarkSilentIfQuietSince(DateTimeOffset silentBefore, DateTimeOffset now)
    {
        if (State != DeviceState.Active || LastSeenAt is not { } seen || seen >= silentBefore)
        {
            return false;
        }

        State = DeviceState.Silent;
        Touch(now);
        return true;
    }

    private void RequireNotRetired()
    {
        if (State == DeviceState.Retired)
        {
            throw new DomainValidationException("id", $"Device {Id} is retired.");
        }
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }

    private static void RequireValidId(string id)
    {
        if (!IsValidId(id))
        {
            throw new DomainValidationException("id", "A device id has 3–64 letters, digits, '-', '_' or '.', starting with a letter or digit.");
        }
    }

    private static string NewToken() =>
        TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
