namespace CivicGrid.Domain.Telemetry;

/// <summary>How a telemetry value is written in a payload.</summary>
public enum TelemetryValueKind
{
    /// <summary>A JSON number, stored as a double.</summary>
    Number,

    /// <summary>A JSON boolean, stored as 1 or 0.</summary>
    Boolean,
}

/// <summary>One value a device type reports: its name in the payload, unit, kind and physically valid range.</summary>
/// <param name="Name">The key in <c>values</c> (public contract, e.g. <c>tilt_deg</c>).</param>
/// <param name="Unit">The unit, e.g. <c>°</c>, <c>mm</c>, <c>µg/m³</c>; empty for booleans.</param>
/// <param name="Kind">Number or boolean.</param>
/// <param name="Min">The smallest valid value (numbers only).</param>
/// <param name="Max">The largest valid value (numbers only).</param>
/// <param name="NameZh">What it measures, in Chinese.</param>
/// <param name="NameEn">What it measures, in English.</param>
public sealed record TelemetryField(string Name, string Unit, TelemetryValueKind Kind, double Min, double Max, string NameZh, string NameEn)
{
    /// <summary>Whether a number lies inside the valid range.</summary>
    public bool InRange(double value) => value >= Min && value <= Max;
}

/// <summary>A kind of device and the telemetry schema its payloads follow.</summary>
/// <param name="Code">The type code (public contract, e.g. <c>manhole-cover</c>).</param>
/// <param name="NameZh">Chinese name.</param>
/// <param name="NameEn">English name.</param>
/// <param name="EventCategoryCode">The event category (GB/T 47678.5) a problem with such a device is filed under by default.</param>
/// <param name="Fields">The values, in payload order.</param>
public sealed record DeviceType(string Code, string NameZh, string NameEn, string EventCategoryCode, IReadOnlyList<TelemetryField> Fields)
{
    /// <summary>The field of that name, or null.</summary>
    public TelemetryField? Field(string name) => Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
}

/// <summary>
/// The device types and their telemetry schemas. Type codes and value names are a public contract:
/// devices in the field are configured with them, so they never change; new ones may be added.
/// </summary>
public static class DeviceTypes
{
    private static TelemetryField Num(string name, string unit, double min, double max, string zh, string en) =>
        new(name, unit, TelemetryValueKind.Number, min, max, zh, en);

    private static TelemetryField Bool(string name, string zh, string en) =>
        new(name, string.Empty, TelemetryValueKind.Boolean, 0, 1, zh, en);

    /// <summary>Every type, in a stable order.</summary>
    public static IReadOnlyList<DeviceType> All { get; } =
    [
        new("manhole-cover", "智能井盖", "Manhole cover", "01001",
        [
            Num("tilt_deg", "°", 0, 90, "倾斜角", "Tilt angle"),
            Num("displacement_mm", "mm", 0, 1000, "位移", "Displacement"),
            Num("water_level_cm", "cm", 0, 1000, "井内水位", "Water level"),
        ]),
        new("bin", "智能垃圾箱", "Waste bin", "06042",
        [
            Num("fill_pct", "%", 0, 100, "满溢度", "Fill level"),
        ]),
        new("streetlight", "智慧路灯", "Streetlight", "01037",
        [
            Bool("on", "开灯", "Lamp on"),
            Num("current_a", "A", 0, 50, "电流", "Current"),
            Num("voltage_v", "V", 0, 500, "电压", "Voltage"),
            Num("lux", "lx", 0, 200_000, "照度", "Illuminance"),
        ]),
        new("air-quality", "空气质量监测", "Air quality", "08004",
        [
            Num("pm25", "µg/m³", 0, 2000, "PM2.5", "PM2.5"),
            Num("pm10", "µg/m³", 0, 3000, "PM10", "PM10"),
            Num("no2", "µg/m³", 0, 2000, "二氧化氮", "Nitrogen dioxide"),
            Num("o3", "µg/m³", 0, 2000, "臭氧", "Ozone"),
        ]),
        new("water-quality", "水质监测", "Water quality", "06026",
        [
            Num("ph", "pH", 0, 14, "酸碱度", "pH"),
            Num("turbidity_ntu", "NTU", 0, 4000, "浊度", "Turbidity"),
            Num("do_mgl", "mg/L", 0, 25, "溶解氧", "Dissolved oxygen"),
        ]),
        new("noise", "噪声监测", "Noise", "06028",
        [
            Num("db", "dB(A)", 0, 150, "声级", "Sound level"),
        ]),
        new("energy-meter", "智能电表", "Energy meter", "01028",
        [
            Num("kwh", "kWh", 0, 1e9, "累计电量", "Energy"),
            Num("kw", "kW", -10_000, 10_000, "有功功率", "Active power"),
        ]),
        new("parking-space", "车位检测", "Parking space", "02001",
        [
            Bool("occupied", "占用", "Occupied"),
        ]),
    ];

    /// <summary>The type of that code, or null.</summary>
    public static DeviceType? Find(string? code) =>
        code is null ? null : All.FirstOrDefault(t => string.Equals(t.Code, code, StringComparison.Ordinal));
}
