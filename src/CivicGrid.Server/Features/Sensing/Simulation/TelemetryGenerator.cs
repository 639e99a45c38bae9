using System.Globalization;
using System.Text;

namespace CivicGrid.Server.Features.Sensing.Simulation;

/// <summary>A fault the simulator can inject, each one what a rule of the demo should catch.</summary>
public enum SimulatedFault
{
    None,

    /// <summary>井盖被掀开: tilt and displacement jump.</summary>
    CoverOpened,

    /// <summary>垃圾箱满溢: the fill level climbs to 100 %.</summary>
    BinOverflow,

    /// <summary>路灯夜间不亮: the lamp stays off at night.</summary>
    LampFailure,

    /// <summary>污染过程: PM2.5 and PM10 rise far above the usual.</summary>
    PollutionEpisode,

    /// <summary>电表异常: power drawn in the small hours (a leak).</summary>
    MeterLeak,

    /// <summary>噪声扰民: a sustained loud noise.</summary>
    NoiseNuisance,
}

/// <summary>
/// Realistic values for each device type: a daily rhythm (Beijing time), noise, slowly drifting
/// state (bins fill up and are emptied, meters count), and injected faults. Deterministic for a
/// given seed; no I/O.
/// </summary>
public sealed class TelemetryGenerator(int seed)
{
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, DeviceState> _state = new(StringComparer.Ordinal);

    private sealed class DeviceState
    {
        public double Fill { get; set; }

        public double Kwh { get; set; }

        public SimulatedFault Fault { get; set; }

        public int FaultTicks { get; set; }
    }

    /// <summary>The fault a device of the type can suffer.</summary>
    public static SimulatedFault FaultOf(string type) => type switch
    {
        "manhole-cover" => SimulatedFault.CoverOpened,
        "bin" => SimulatedFault.BinOverflow,
        "streetlight" => SimulatedFault.LampFailure,
        "air-quality" => SimulatedFault.PollutionEpisode,
        "energy-meter" => SimulatedFault.MeterLeak,
        "noise" => SimulatedFault.NoiseNuisance,
        _ => SimulatedFault.None,
    };

    /// <summary>Starts a fault on a device for a number of readings.</summary>
    public void Inject(string deviceId, SimulatedFault fault, int readings)
    {
        var s = StateOf(deviceId);
        s.Fault = fault;
        s.FaultTicks = readings;
    }

    /// <summary>Whether the device is in a fault now.</summary>
    public bool InFault(string deviceId) => StateOf(deviceId).FaultTicks > 0;

    /// <summary>One telemetry message (DESIGN.md payload) for a device at an instant.</summary>
    public string Next(string deviceId, string type, DateTimeOffset at, double faultProbability = 0)
    {
        var s = StateOf(deviceId);
        if (s.FaultTicks <= 0 && faultProbability > 0 && _random.NextDouble() < faultProbability && FaultOf(type) is var f and not SimulatedFault.None)
        {
            s.Fault = f;
            s.FaultTicks = 10 + _random.Next(20);
        }

        var fault = s.FaultTicks-- > 0 ? s.Fault : SimulatedFault.None;
        var hour = at.ToOffset(TimeSpan.FromHours(8)).TimeOfDay.TotalHours;
        var night = hour is >= 19 or < 6;
        var values = new List<(string, string)>();
        switch (type)
        {
            case "manhole-cover":
                var open = fault == SimulatedFault.CoverOpened;
                values.Add(("tilt_deg", Num(open ? 25 + _random.NextDouble() * 40 : Math.Abs(Gauss(0.8, 0.4)))));
                values.Add(("displacement_mm", Num(open ? 80 + _random.NextDouble() * 200 : Math.Abs(Gauss(1, 0.5)))));
                values.Add(("water_level_cm", Num(Math.Clamp(Gauss(20, 5), 0, 1000))));
                break;
            case "bin":
                s.Fill = fault == SimulatedFault.BinOverflow ? Math.Min(100, s.Fill + 8) : s.Fill + _random.NextDouble() * 2;
                if (fault == SimulatedFault.None && s.Fill > 85)
                {
                    s.Fill = _random.NextDouble() * 10; // emptied by the sanitation round
                }

                values.Add(("fill_pct", Num(Math.Clamp(s.Fill, 0, 100))));
                break;
            case "streetlight":
                var on = night && fault != SimulatedFault.LampFailure;
                values.Add(("on", on ? "true" : "false"));
                values.Add(("current_a", Num(on ? Gauss(0.45, 0.02) : 0)));
                values.Add(("voltage_v", Num(Gauss(220, 3))));
                values.Add(("lux", Num(Math.Max(0, night ? (on ? Gauss(25, 3) : Gauss(2, 1)) : Gauss(15_000, 3000)))));
                break;
            case "air-quality":
                var episode = fault == SimulatedFault.PollutionEpisode ? 6 : 1;
                var pm25 = Math.Max(1, Gauss(45, 8) * episode);
                values.Add(("pm25", Num(Math.Min(pm25, 1900))));
                values.Add(("pm10", Num(Math.Min(pm25 * 1.6 + Gauss(10, 3), 2900))));
                values.Add(("no2", Num(Math.Max(0, Gauss(35 + 15 * Math.Sin(hour / 24 * 2 * Math.PI), 5)))));
                values.Add(("o3", Num(Math.Max(0, Gauss(hour is > 11 and < 17 ? 120 : 60, 10)))));
                break;
            case "water-quality":
                values.Add(("ph", Num(Math.Clamp(Gauss(7.4, 0.1), 0, 14))));
                values.Add(("turbidity_ntu", Num(Math.Max(0, Gauss(3, 0.5)))));
                values.Add(("do_mgl", Num(Math.Clamp(Gauss(7.5, 0.4), 0, 25))));
                break;
            case "noise":
                values.Add(("db", Num(Math.Clamp(fault == SimulatedFault.NoiseNuisance ? Gauss(82, 2) : Gauss(night ? 42 : 58, 4), 0, 150))));
                break;
            case "energy-meter":
                var kw = fault == SimulatedFault.MeterLeak ? Gauss(40, 2) : Math.Max(0, hour is > 7 and < 20 ? Gauss(25, 4) : Gauss(2, 0.5));
                s.Kwh += kw / 60;
                values.Add(("kwh", Num(s.Kwh)));
                values.Add(("kw", Num(kw)));
                break;
            case "parking-space":
                values.Add(("occupied", _random.NextDouble() < (hour is > 8 and < 20 ? 0.8 : 0.3) ? "true" : "false"));
                break;
        }

        var json = new StringBuilder("{\"ts\":\"").Append(at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)).Append("\",\"values\":{");
        json.AppendJoin(',', values.Select(v => $"\"{v.Item1}\":{v.Item2}"));
        return json.Append("}}").ToString();
    }

    private DeviceState StateOf(string id)
    {
        if (!_state.TryGetValue(id, out var s))
        {
            s = new DeviceState { Fill = _random.NextDouble() * 50, Kwh = _random.Next(1000, 50_000) };
            _state[id] = s;
        }

        return s;
    }

    private double Gauss(double mean, double sd)
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return mean + sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Sin(2.0 * Math.PI * u2);
    }

    private static string Num(double v) => Math.Round(v, 3).ToString("0.###", CultureInfo.InvariantCulture);
}
