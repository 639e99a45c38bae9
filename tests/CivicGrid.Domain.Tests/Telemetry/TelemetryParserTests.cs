using CivicGrid.Domain.Telemetry;

namespace CivicGrid.Domain.Tests.Telemetry;

/// <summary>The telemetry payload against the device types' schemas: pure, no clock, no I/O.</summary>
public sealed class TelemetryParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 30, 0, TimeSpan.Zero);
    private static readonly DeviceType Cover = DeviceTypes.Find("manhole-cover")!;
    private static readonly DeviceType Light = DeviceTypes.Find("streetlight")!;

    private static TelemetryParseResult Parse(string json, DeviceType? type = null) =>
        TelemetryParser.Parse(json, type ?? Cover, Now, TelemetryLimits.Default);

    [Fact]
    public void Single_WithEveryValue_IsAccepted()
    {
        var result = Parse("""{"ts":"2026-03-02T01:29:59.123Z","values":{"tilt_deg":3.5,"displacement_mm":0,"water_level_cm":42}}""");

        var message = Assert.Single(result.Accepted);
        Assert.Empty(result.Rejected);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 1, 29, 59, 123, TimeSpan.Zero), message.Timestamp);
        Assert.Equal(["tilt_deg", "displacement_mm", "water_level_cm"], message.Values.Select(v => v.Name));
        Assert.Equal(42, message.Values[2].Value);
    }

    [Fact]
    public void Timestamp_WithAnOffset_IsNormalisedToUtc_AndToMicroseconds()
    {
        var message = Assert.Single(Parse("""{"ts":"2026-03-02T09:29:00.1234567+08:00","values":{"tilt_deg":1}}""").Accepted);

        Assert.Equal(TimeSpan.Zero, message.Timestamp.Offset);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 1, 29, 0, TimeSpan.Zero).AddTicks(1_234_560), message.Timestamp);
    }

    [Fact]
    public void Booleans_AreStoredAsOneAndZero_WithTheRawToken()
    {
        var message = Assert.Single(Parse("""{"ts":"2026-03-02T01:29:00Z","values":{"on":false,"lux":0}}""", Light).Accepted);

        Assert.Equal(new TelemetryValue("on", 0, "false"), message.Values[0]);
        Assert.Equal(new TelemetryValue("lux", 0, null), message.Values[1]);
    }

    [Fact]
    public void Batch_AcceptsTheGoodMessages_AndNamesTheBadOnesByIndex()
    {
        var result = Parse("""
            [{"ts":"2026-03-02T01:00:00Z","values":{"tilt_deg":1}},
             {"ts":"2026-03-02T01:01:00Z","values":{"tilt_deg":100}},
             {"ts":"2026-03-02T01:02:00Z","values":{"tilt_deg":2}}]
            """);

        Assert.Equal(2, result.Accepted.Count);
        var rejection = Assert.Single(result.Rejected);
        Assert.Equal(1, rejection.Index);
        Assert.Equal("[1].values.tilt_deg", rejection.Field);
        Assert.Equal(TelemetryRejectionReason.OutOfRange, rejection.Reason);
        Assert.Contains("\"tilt_deg\":100", rejection.Payload, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\",", "body", TelemetryRejectionReason.MalformedJson)]
    [InlineData("", "body", TelemetryRejectionReason.MalformedJson)]
    [InlineData("42", "body", TelemetryRejectionReason.NotAnObject)]
    [InlineData("[]", "body", TelemetryRejectionReason.BatchTooLarge)]
    [InlineData("[7]", "[0].body", TelemetryRejectionReason.NotAnObject)]
    [InlineData("{\"values\":{\"tilt_deg\":1}}", "ts", TelemetryRejectionReason.MissingTimestamp)]
    [InlineData("{\"ts\":null,\"values\":{\"tilt_deg\":1}}", "ts", TelemetryRejectionReason.MissingTimestamp)]
    [InlineData("{\"ts\":1772415000,\"values\":{\"tilt_deg\":1}}", "ts", TelemetryRejectionReason.BadTimestamp)]
    [InlineData("{\"ts\":\"soon\",\"values\":{\"tilt_deg\":1}}", "ts", TelemetryRejectionReason.BadTimestamp)]
    [InlineData("{\"ts\":\"2026-03-02T01:35:01Z\",\"values\":{\"tilt_deg\":1}}", "ts", TelemetryRejectionReason.FutureTimestamp)]
    [InlineData("{\"ts\":\"2025-12-01T00:00:00Z\",\"values\":{\"tilt_deg\":1}}", "ts", TelemetryRejectionReason.TooOld)]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\"}", "values", TelemetryRejectionReason.NoValues)]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\",\"values\":[1]}", "values", TelemetryRejectionReason.NoValues)]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\",\"values\":{}}", "values", TelemetryRejectionReason.NoValues)]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\",\"values\":{\"pm25\":1}}", "values.pm25", TelemetryRejectionReason.UnknownValue)]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\",\"values\":{\"Tilt_Deg\":1}}", "values.Tilt_Deg", TelemetryRejectionReason.UnknownValue)]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\",\"values\":{\"tilt_deg\":1,\"tilt_deg\":2}}", "values.tilt_deg", TelemetryRejectionReason.UnknownValue)]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\",\"values\":{\"tilt_deg\":\"1\"}}", "values.tilt_deg", TelemetryRejectionReason.WrongType)]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\",\"values\":{\"tilt_deg\":null}}", "values.tilt_deg", TelemetryRejectionReason.WrongType)]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\",\"values\":{\"tilt_deg\":1e400}}", "values.tilt_deg", TelemetryRejectionReason.WrongType)]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\",\"values\":{\"tilt_deg\":-0.5}}", "values.tilt_deg", TelemetryRejectionReason.OutOfRange)]
    [InlineData("{\"ts\":\"2026-03-02T01:29:00Z\",\"values\":{\"tilt_deg\":90.01}}", "values.tilt_deg", TelemetryRejectionReason.OutOfRange)]
    public void BadInput_IsRefused_NamingTheFieldAndTheReason(string json, string field, TelemetryRejectionReason reason)
    {
        var result = Parse(json);

        Assert.Empty(result.Accepted);
        var rejection = Assert.Single(result.Rejected);
        Assert.Equal(field, rejection.Field);
        Assert.Equal(reason, rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Message));
    }

    [Fact]
    public void Booleans_RefuseNumbers_AndNumbersRefuseBooleans()
    {
        Assert.Equal(TelemetryRejectionReason.WrongType, Parse("""{"ts":"2026-03-02T01:29:00Z","values":{"on":1}}""", Light).Rejected.Single().Reason);
        Assert.Equal(TelemetryRejectionReason.WrongType, Parse("""{"ts":"2026-03-02T01:29:00Z","values":{"lux":true}}""", Light).Rejected.Single().Reason);
    }

    [Fact]
    public void Timestamp_WithinTheAllowedSkew_IsAccepted()
    {
        Assert.Single(Parse("""{"ts":"2026-03-02T01:35:00Z","values":{"tilt_deg":1}}""").Accepted);
    }

    [Fact]
    public void Batch_LargerThanTheLimit_IsRefusedWhole()
    {
        var json = "[" + string.Join(",", Enumerable.Repeat("""{"ts":"2026-03-02T01:29:00Z","values":{"tilt_deg":1}}""", 3)) + "]";

        var result = TelemetryParser.Parse(json, Cover, Now, TelemetryLimits.Default with { MaxBatch = 2 });

        Assert.Empty(result.Accepted);
        Assert.Equal(TelemetryRejectionReason.BatchTooLarge, Assert.Single(result.Rejected).Reason);
    }

    [Fact]
    public void EveryType_AcceptsItsOwnValuesAtTheEdgesOfTheRange()
    {
        foreach (var type in DeviceTypes.All)
        {
            foreach (var edge in new Func<TelemetryField, string>[] { f => f.Kind == TelemetryValueKind.Boolean ? "true" : Num(f.Min), f => f.Kind == TelemetryValueKind.Boolean ? "false" : Num(f.Max) })
            {
                var values = string.Join(",", type.Fields.Select(f => $"\"{f.Name}\":{edge(f)}"));
                var result = TelemetryParser.Parse($"{{\"ts\":\"2026-03-02T01:29:00Z\",\"values\":{{{values}}}}}", type, Now, TelemetryLimits.Default);
                Assert.True(result.Rejected.Count == 0, $"{type.Code}: {string.Join("; ", result.Rejected.Select(r => r.Message))}");
            }
        }

        static string Num(double d) => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }
}
