using System.Text.Json;
using CivicGrid.Domain.Telemetry.Rules;

namespace CivicGrid.Domain.Tests.Telemetry;

/// <summary>Rules are pure: samples and instants in, a verdict out.</summary>
public sealed class RuleEvaluationTests
{
    /// <summary>2026-03-02 12:00 Beijing.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 4, 0, 0, TimeSpan.Zero);

    private static RuleDefinition Rule(RuleCondition condition, string type = "bin", RuleSchedule? schedule = null) =>
        new() { Name = "test", DeviceType = type, Condition = condition, Schedule = schedule };

    private static RuleInput Input(string name, IEnumerable<(double Minutes, double Value)> samples, bool open = false, DateTimeOffset? lastSeen = null)
    {
        var list = samples.Select(s => new Sample(Noon.AddMinutes(s.Minutes), s.Value)).ToList();
        var now = list.Count > 0 ? list[^1].Ts : Noon;
        return new RuleInput(new Dictionary<string, IReadOnlyList<Sample>> { [name] = list }, now, lastSeen ?? now, open);
    }

    private static RuleOutcome Outcome(RuleDefinition rule, RuleInput input) => rule.Evaluate(input).Outcome;

    [Theory]
    [InlineData(95, false, RuleOutcome.Raise)]
    [InlineData(90, false, RuleOutcome.None)]
    [InlineData(85, false, RuleOutcome.None)]
    [InlineData(85, true, RuleOutcome.Update)]
    [InlineData(70.5, true, RuleOutcome.Update)]
    [InlineData(70, true, RuleOutcome.Clear)]
    [InlineData(20, true, RuleOutcome.Clear)]
    public void Threshold_WithHysteresis_RaisesAboveAndClearsOnlyBelowTheClearThreshold(double value, bool open, RuleOutcome expected)
    {
        var rule = Rule(new ThresholdCondition { Value = "fill_pct", Op = ComparisonOperator.Gt, Threshold = 90, ClearThreshold = 70 });

        Assert.Equal(expected, Outcome(rule, Input("fill_pct", [(0, value)], open)));
    }

    [Fact]
    public void Threshold_Below_WorksTheOtherWayRound()
    {
        var rule = Rule(new ThresholdCondition { Value = "do_mgl", Op = ComparisonOperator.Lt, Threshold = 3, ClearThreshold = 4 }, "water-quality");

        Assert.Equal(RuleOutcome.Raise, Outcome(rule, Input("do_mgl", [(0, 2.5)])));
        Assert.Equal(RuleOutcome.Update, Outcome(rule, Input("do_mgl", [(0, 3.5)], open: true)));
        Assert.Equal(RuleOutcome.Clear, Outcome(rule, Input("do_mgl", [(0, 4)], open: true)));
    }

    [Fact]
    public void Sustained_RaisesOnlyOnceTheValueHeldForTheWholePeriod()
    {
        var rule = Rule(new ThresholdCondition { Value = "db", Threshold = 70, ForMinutes = 10 }, "noise");

        Assert.Equal(RuleOutcome.None, Outcome(rule, Input("db", [(0, 60), (1, 75), (5, 80), (10, 78)])));
        Assert.Equal(RuleOutcome.Raise, Outcome(rule, Input("db", [(0, 60), (1, 75), (5, 80), (11, 78)])));
        Assert.Equal(RuleOutcome.Raise, Outcome(rule, Input("db", [(0, 75), (10, 76)])));

        // A dip resets the run.
        Assert.Equal(RuleOutcome.None, Outcome(rule, Input("db", [(0, 75), (6, 65), (7, 80), (12, 80)])));
        Assert.Equal(RuleOutcome.Raise, Outcome(rule, Input("db", [(0, 75), (6, 65), (7, 80), (17, 80)])));

        // Once open, it clears as soon as the value is back.
        Assert.Equal(RuleOutcome.Clear, Outcome(rule, Input("db", [(0, 75), (1, 69)], open: true)));
    }

    [Fact]
    public void RateOfChange_ComparesTheLastTwoSamplesPerMinute()
    {
        var rule = Rule(new RateOfChangeCondition { Value = "kw", MaxPerMinute = 50, ClearPerMinute = 10 }, "energy-meter");

        Assert.Equal(RuleOutcome.None, Outcome(rule, Input("kw", [(0, 10)])));
        Assert.Equal(RuleOutcome.None, Outcome(rule, Input("kw", [(0, 10), (2, 100)])));
        Assert.Equal(RuleOutcome.Raise, Outcome(rule, Input("kw", [(0, 10), (1, 100)])));
        Assert.Equal(RuleOutcome.Raise, Outcome(rule, Input("kw", [(0, 500), (0.5, 400)])));
        Assert.Equal(RuleOutcome.Update, Outcome(rule, Input("kw", [(0, 100), (1, 120)], open: true)));
        Assert.Equal(RuleOutcome.Clear, Outcome(rule, Input("kw", [(0, 100), (1, 105)], open: true)));
    }

    [Fact]
    public void NoData_IsActiveAfterTheSilence_AndClearsWhenDataArrives()
    {
        var rule = Rule(new NoDataCondition { Minutes = 30 });
        var empty = new Dictionary<string, IReadOnlyList<Sample>>();

        Assert.Equal(RuleOutcome.None, rule.Evaluate(new RuleInput(empty, Noon, Noon.AddMinutes(-30), false)).Outcome);
        Assert.Equal(RuleOutcome.Raise, rule.Evaluate(new RuleInput(empty, Noon, Noon.AddMinutes(-31), false)).Outcome);
        Assert.Equal(RuleOutcome.Clear, rule.Evaluate(new RuleInput(empty, Noon, Noon, true)).Outcome);
        Assert.Equal(RuleOutcome.None, rule.Evaluate(new RuleInput(empty, Noon, null, false)).Outcome);
    }

    [Fact]
    public void AllAndAny_CombineTheirConditions()
    {
        var pm25 = new ThresholdCondition { Value = "pm25", Threshold = 150 };
        var pm10 = new ThresholdCondition { Value = "pm10", Threshold = 250 };
        RuleInput Air(double a, double b, bool open = false) => new(
            new Dictionary<string, IReadOnlyList<Sample>> { ["pm25"] = [new(Noon, a)], ["pm10"] = [new(Noon, b)] }, Noon, Noon, open);
        var any = Rule(new AnyCondition { Conditions = [pm25, pm10] }, "air-quality");
        var all = Rule(new AllCondition { Conditions = [pm25, pm10] }, "air-quality");

        Assert.Equal(RuleOutcome.Raise, Outcome(any, Air(200, 10)));
        Assert.Equal(RuleOutcome.Raise, Outcome(any, Air(10, 300)));
        Assert.Equal(RuleOutcome.None, Outcome(any, Air(10, 10)));
        Assert.Equal(RuleOutcome.Clear, Outcome(any, Air(10, 10, open: true)));
        Assert.Equal(RuleOutcome.None, Outcome(all, Air(200, 10)));
        Assert.Equal(RuleOutcome.Raise, Outcome(all, Air(200, 300)));
        Assert.Equal(RuleOutcome.Clear, Outcome(all, Air(200, 10, open: true)));
        Assert.Contains(" AND ", all.Evaluate(Air(200, 300)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_WithOneUnknownAndOneInactive_DecidesNothing()
    {
        var any = Rule(new AnyCondition { Conditions = [new ThresholdCondition { Value = "pm25", Threshold = 150 }, new ThresholdCondition { Value = "o3", Threshold = 200 }] }, "air-quality");
        var input = new RuleInput(new Dictionary<string, IReadOnlyList<Sample>> { ["pm25"] = [new(Noon, 10)] }, Noon, Noon, true);

        Assert.Equal(RuleOutcome.None, any.Evaluate(input).Outcome);
    }

    [Fact]
    public void Schedule_LimitsTheRuleToTheNight_AcrossMidnight()
    {
        var lampOff = new AllCondition { Conditions = [new ThresholdCondition { Value = "on", Op = ComparisonOperator.Lt, Threshold = 0.5 }, new ThresholdCondition { Value = "lux", Op = ComparisonOperator.Lt, Threshold = 10 }] };
        var rule = Rule(lampOff, "streetlight", new RuleSchedule { From = "19:00", To = "06:00" });
        RuleInput At(DateTimeOffset beijing, bool open = false) => new(
            new Dictionary<string, IReadOnlyList<Sample>> { ["on"] = [new(beijing, 0)], ["lux"] = [new(beijing, 1)] }, beijing.ToUniversalTime(), beijing, open);
        var b = TimeSpan.FromHours(8);

        Assert.Equal(RuleOutcome.Raise, Outcome(rule, At(new DateTimeOffset(2026, 3, 2, 22, 0, 0, b))));
        Assert.Equal(RuleOutcome.Raise, Outcome(rule, At(new DateTimeOffset(2026, 3, 3, 5, 59, 0, b))));
        Assert.Equal(RuleOutcome.None, Outcome(rule, At(new DateTimeOffset(2026, 3, 3, 6, 0, 0, b))));
        Assert.Equal(RuleOutcome.None, Outcome(rule, At(new DateTimeOffset(2026, 3, 2, 12, 0, 0, b))));
        Assert.Equal(RuleOutcome.None, Outcome(rule, At(new DateTimeOffset(2026, 3, 2, 12, 0, 0, b), open: true)));
    }

    [Fact]
    public void ZScore_RaisesOnAValueFarFromTheDevicesOwnRecentBehaviour()
    {
        var rule = Rule(new ZScoreCondition { Value = "pm25", Window = 30, Threshold = 4, MinSamples = 10 }, "air-quality");
        var normal = Enumerable.Range(0, 30).Select(i => ((double)i, 40 + (i % 5) - 2.0)).ToList();

        Assert.Equal(RuleOutcome.None, Outcome(rule, Input("pm25", [.. normal, (30, 42)])));
        Assert.Equal(RuleOutcome.Raise, Outcome(rule, Input("pm25", [.. normal, (30, 120)])));
        Assert.Equal(RuleOutcome.None, Outcome(rule, Input("pm25", [.. normal.Take(5), (5, 120)])));
        var down = Rule(new ZScoreCondition { Value = "pm25", Window = 30, Threshold = 4, Direction = AnomalyDirection.Up }, "air-quality");
        Assert.Equal(RuleOutcome.None, Outcome(down, Input("pm25", [.. normal, (30, 0)])));
    }

    /// <summary>A week of hourly PM2.5 with a daily rhythm (20 at night, 80 from 16:00 to 24:00 Beijing, i.e. 4 to 12 hours after Noon), ± 1 from day to day, up to hour <paramref name="end"/> (exclusive) after Noon.</summary>
    private static List<(double Minutes, double Value)> DailyRhythm(int end) =>
        [.. Enumerable.Range(-7 * 24, 7 * 24 + end).Select(h => (h * 60.0, ((h + 240) % 24 is >= 4 and < 12 ? 80.0 : 20.0) + ((h + 240) / 24 % 3) - 1))];

    [Fact]
    public void Seasonal_ComparesWithTheSameTimeOfEarlierDays_NotWithTheRecentLevel()
    {
        var rule = Rule(new SeasonalCondition { Value = "pm25", Seasons = 7, ToleranceMinutes = 30, Threshold = 4, ClearThreshold = 2, MinSamples = 5 }, "air-quality");
        var week = DailyRhythm(4);

        // The evening rush arrives as on every day: a jump the rolling z-score takes for an anomaly.
        Assert.Equal(RuleOutcome.None, Outcome(rule, Input("pm25", [.. week, (4 * 60, 81)])));
        Assert.Equal(RuleOutcome.Raise, Outcome(Rule(new ZScoreCondition { Value = "pm25", Window = 12, Threshold = 4 }, "air-quality"), Input("pm25", [.. week, (4 * 60, 81)])));

        // A night level in the rush, or the rush level at night, is not usual for the hour.
        Assert.Equal(RuleOutcome.Raise, Outcome(rule, Input("pm25", [.. week, (4 * 60, 20)])));
        Assert.Equal(RuleOutcome.Raise, Outcome(rule, Input("pm25", [.. DailyRhythm(1), (60, 81)])));
        Assert.Equal(RuleOutcome.Clear, Outcome(rule, Input("pm25", [.. week, (4 * 60, 80)], open: true)));
        Assert.Equal(RuleOutcome.Update, Outcome(rule, Input("pm25", [.. week, (4 * 60, 20)], open: true)));

        var up = Rule(new SeasonalCondition { Value = "pm25", ToleranceMinutes = 30, Threshold = 4, MinSamples = 5, Direction = AnomalyDirection.Up }, "air-quality");
        Assert.Equal(RuleOutcome.None, Outcome(up, Input("pm25", [.. week, (4 * 60, 20)])));
    }

    [Fact]
    public void Seasonal_WithTooLittleHistory_DecidesNothing()
    {
        var rule = Rule(new SeasonalCondition { Value = "pm25", Seasons = 7, ToleranceMinutes = 60, MinSamples = 10 }, "air-quality");

        // Two earlier days give six samples at this hour, fewer than ten.
        var verdict = rule.Evaluate(Input("pm25", [.. DailyRhythm(6).Skip(5 * 24), (6 * 60, 500)]));

        Assert.Equal(RuleOutcome.None, verdict.Outcome);
        Assert.Contains("fewer than 10", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Seasonal_Smoothing_DampsALoneSpike_ButALevelThatStaysAwayStillRaises()
    {
        // A week of 49 and 51 by turns (mean 49.7, σ 0.97 at every hour), then three new readings.
        var flat = Enumerable.Range(-7 * 24, 7 * 24).Select(h => (h * 60.0, h % 2 == 0 ? 51.0 : 49.0)).ToList();
        var single = new SeasonalCondition { Value = "pm25", ToleranceMinutes = 60, Threshold = 4, MinSamples = 10 };
        var smoothed = Rule(single with { Smoothing = 3 }, "air-quality");
        List<(double, double)> spike = [.. flat, (0, 49), (60, 51), (120, 56)];
        List<(double, double)> drift = [.. flat, (0, 54), (60, 54), (120, 54)];

        Assert.Equal(RuleOutcome.Raise, Outcome(Rule(single, "air-quality"), Input("pm25", spike)));
        Assert.Equal(RuleOutcome.None, Outcome(smoothed, Input("pm25", spike)));
        Assert.Equal(RuleOutcome.Raise, Outcome(smoothed, Input("pm25", drift)));
        Assert.Equal(54, smoothed.Evaluate(Input("pm25", drift)).Value);
    }

    [Fact]
    public void Seasonal_NeedsTheNewestSamplesAndOneWindowPerEarlierPeriod()
    {
        var rule = Rule(new AnyCondition
        {
            Conditions =
            [
                new SeasonalCondition { Value = "pm25", PeriodHours = 168, Seasons = 3, ToleranceMinutes = 30, Smoothing = 4 },
                new ZScoreCondition { Value = "pm25", Window = 50 },
            ],
        }, "air-quality");

        var need = rule.Needs()["pm25"];

        Assert.Equal(51, need.Count);
        Assert.Equal(TimeSpan.Zero, need.Lookback);
        Assert.Equal([.. new[] { 1, 2, 3 }.Select(k => new SampleWindow(TimeSpan.FromDays(7 * k), TimeSpan.FromMinutes(30)))], need.Windows!);
    }

    [Fact]
    public void Needs_CoverTheHistoryEachConditionReads()
    {
        var rule = Rule(new AnyCondition
        {
            Conditions =
            [
                new ThresholdCondition { Value = "pm25", Threshold = 150, ForMinutes = 15 },
                new ZScoreCondition { Value = "pm25", Window = 50 },
                new RateOfChangeCondition { Value = "no2", MaxPerMinute = 5 },
            ],
        }, "air-quality");

        var needs = rule.Needs();

        Assert.Equal(new SampleNeed(51, TimeSpan.FromMinutes(15)), needs["pm25"]);
        Assert.Equal(new SampleNeed(2, TimeSpan.Zero), needs["no2"]);
    }

    [Theory]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"threshold","value":"pm25","threshold":1}}""", "condition.value")]
    [InlineData("""{"name":"x","deviceType":"kettle","condition":{"kind":"threshold","value":"fill_pct","threshold":1}}""", "deviceType")]
    [InlineData("""{"name":"","deviceType":"bin","condition":{"kind":"threshold","value":"fill_pct","threshold":1}}""", "name")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"threshold","value":"fill_pct","threshold":90,"clearThreshold":95}}""", "condition.clearThreshold")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"threshold","value":"fill_pct","threshold":90,"forMinutes":-1}}""", "condition.forMinutes")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"any","conditions":[{"kind":"noData","minutes":5}]}}""", "condition.conditions[0]")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"all","conditions":[]}}""", "condition.conditions")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"noData","minutes":0}}""", "condition.minutes")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"zScore","value":"fill_pct","window":3}}""", "condition.window")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"rateOfChange","value":"fill_pct","maxPerMinute":0}}""", "condition.maxPerMinute")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"pm25"}}""", "condition.value")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","periodHours":0.5}}""", "condition.periodHours")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","periodHours":720}}""", "condition.periodHours")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","seasons":0}}""", "condition.seasons")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","seasons":15}}""", "condition.seasons")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","toleranceMinutes":0}}""", "condition.toleranceMinutes")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","periodHours":1,"toleranceMinutes":45}}""", "condition.toleranceMinutes")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","smoothing":0}}""", "condition.smoothing")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","minSamples":1}}""", "condition.minSamples")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","threshold":-1}}""", "condition.threshold")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","threshold":3,"clearThreshold":4}}""", "condition.clearThreshold")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"any","conditions":[{"kind":"seasonal","value":"fill_pct","seasons":99}]}}""", "condition.conditions[0].seasons")]
    [InlineData("""{"name":"x","deviceType":"bin","area":{"communityCode":"1"},"aggregate":{},"condition":{"kind":"seasonal","value":"fill_pct"}}""", "condition")]
    [InlineData("""{"name":"x","deviceType":"bin","schedule":{"from":"7pm","to":"06:00"},"condition":{"kind":"threshold","value":"fill_pct","threshold":1}}""", "schedule.from")]
    [InlineData("""{"name":"x","deviceType":"bin","aggregate":{"function":"avg"},"condition":{"kind":"threshold","value":"fill_pct","threshold":1}}""", "area")]
    [InlineData("""{"name":"x","deviceType":"bin","area":{"communityCode":"1","streetCode":"2"},"condition":{"kind":"threshold","value":"fill_pct","threshold":1}}""", "area")]
    [InlineData("""{"name":"x","deviceType":"bin","area":{"communityCode":"1"},"aggregate":{},"condition":{"kind":"zScore","value":"fill_pct"}}""", "condition")]
    [InlineData("""{"name":"x","deviceType":"bin","case":{"categoryCode":"6042"},"condition":{"kind":"threshold","value":"fill_pct","threshold":1}}""", "case.categoryCode")]
    [InlineData("""{"name":"x","deviceType":"bin","deviceIds":[],"condition":{"kind":"threshold","value":"fill_pct","threshold":1}}""", "deviceIds")]
    public void Validate_NamesTheFieldAtFault(string json, string field)
    {
        var definition = RuleJson.Deserialize(JsonDocument.Parse(json).RootElement);

        Assert.Contains(field, definition.Validate().Select(e => e.Field));
    }

    [Theory]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"teapot"}}""", "condition")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","direction":"sideways"}}""", "condition.direction")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"seasonal","value":"fill_pct","seasons":"many"}}""", "condition.seasons")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"value":"fill_pct","threshold":1}}""", "condition")]
    [InlineData("""{"name":"x","deviceType":"bin","condition":{"kind":"threshold","value":"fill_pct","threshold":"high"}}""", "condition.threshold")]
    [InlineData("""{"name":"x","deviceType":"bin","severity":"apocalyptic","condition":{"kind":"threshold","value":"fill_pct","threshold":1}}""", "severity")]
    [InlineData("""{"deviceType":"bin","condition":{"kind":"threshold","value":"fill_pct","threshold":1}}""", "body")]
    public void Deserialize_MalformedRule_NamesTheField(string json, string fieldStart)
    {
        var e = Assert.Throws<CivicGrid.Domain.Common.DomainValidationException>(() => RuleJson.Deserialize(JsonDocument.Parse(json).RootElement));

        Assert.StartsWith(fieldStart, e.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_RoundTripsEveryKindOfCondition()
    {
        var rule = new RuleDefinition
        {
            Name = "综合",
            DeviceType = "air-quality",
            Severity = AlarmSeverity.Critical,
            Area = new RuleArea { CommunityCode = "110101001001" },
            Schedule = new RuleSchedule { From = "19:00", To = "06:00" },
            Case = new RuleCaseMapping { CategoryCode = "08004", Urgency = CivicGrid.Domain.Sla.Urgency.Urgent },
            Condition = new AnyCondition
            {
                Conditions =
                [
                    new ThresholdCondition { Value = "pm25", Op = ComparisonOperator.Gte, Threshold = 150, ClearThreshold = 100, ForMinutes = 30 },
                    new RateOfChangeCondition { Value = "no2", MaxPerMinute = 5 },
                    new AllCondition { Conditions = [new ZScoreCondition { Value = "o3", Window = 100, Direction = AnomalyDirection.Up }] },
                    new SeasonalCondition { Value = "pm25", PeriodHours = 168, Seasons = 4, ToleranceMinutes = 45, Smoothing = 3, Threshold = 4, ClearThreshold = 2, MinSamples = 12, Direction = AnomalyDirection.Down },
                ],
            },
        };

        var json = RuleJson.Serialize(rule);
        var back = RuleJson.Deserialize(json);

        Assert.Contains("\"kind\":\"any\"", json, StringComparison.Ordinal);
        Assert.Contains("\"op\":\"gte\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"seasonal\",\"value\":\"pm25\",\"periodHours\":168,\"seasons\":4,\"toleranceMinutes\":45,\"smoothing\":3", json, StringComparison.Ordinal);
        Assert.Contains("\"direction\":\"down\"", json, StringComparison.Ordinal);
        Assert.Equal(json, RuleJson.Serialize(back));
        Assert.Empty(back.Validate());
    }
}
