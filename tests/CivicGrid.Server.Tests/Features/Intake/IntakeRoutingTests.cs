using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Intake;
using CivicGrid.Server.Features.Intake.Classification;
using CivicGrid.Server.Tests.Features.Intake.Classification;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Intake;

/// <summary>
/// Confidence routing of reports without a category: a confident classifier files and dispatches by
/// itself, an unsure one leaves the report in the operator queue, where an operator confirms or
/// corrects it. Each engine gets its own server with a small trained model (the shared test server
/// has none, and other suites rely on that).
/// </summary>
public abstract class IntakeRoutingTests(CivicGridApp app) : ApiTest(app)
{
    /// <summary>The threshold the routing servers run with.</summary>
    public const double Threshold = 0.6;

    private const string Garbage = "06010";
    private const string Parking = "09009";
    private const string Streetlight = "01037";

    /// <summary>Reads like the garbage examples the model was trained on.</summary>
    private const string ConfidentText = "小区门口垃圾堆积很多天没人清运，垃圾桶满了垃圾溢出到路上";

    /// <summary>Names every category the model knows, so it cannot be sure (garbage comes first, with less than half).</summary>
    private const string UnsureText = "垃圾 停车 路灯";

    [Fact]
    public async Task PublicReportWithoutCategory_Confident_IsFiledAndDispatchedByTheSystem_NamingClassifierAndConfidence()
    {
        var confidence = await ConfidenceAsync(ConfidentText, Garbage);
        Assert.True(confidence >= Threshold, $"the fixture's confident text scores {confidence}");

        var receipt = await PostPublicAsync(ConfidentText);
        var id = await CaseIdAsync(receipt.GetProperty("trackingCode").GetString()!);

        var dto = await GetCaseAsync(id);
        Assert.Equal("dispatched", dto.GetProperty("status").GetString());
        Assert.Equal(Garbage, dto.GetProperty("categoryCode").GetString());
        Assert.Equal(App.District.SanitationId, dto.GetProperty("departmentId").GetGuid());
        var history = dto.GetProperty("history").EnumerateArray().ToList();
        var file = history.Single(h => h.GetProperty("action").GetString() == "file");
        var dispatch = history.Single(h => h.GetProperty("action").GetString() == "dispatch");
        Assert.Equal(ReportIntake.IntakeSystem.DisplayName, file.GetProperty("actorName").GetString());
        foreach (var note in new[] { file.GetProperty("note").GetString()!, dispatch.GetProperty("note").GetString()! })
        {
            Assert.Contains("report-classifier[", note, StringComparison.Ordinal);
            Assert.Contains("置信度 " + confidence.ToString("0.0000", CultureInfo.InvariantCulture), note, StringComparison.Ordinal);
        }

        var stored = await ClassificationAsync(Guid.Parse(id));
        Assert.Equal(IntakeOutcome.AutoFiled, stored!.Outcome);
        Assert.Equal(Threshold, stored.Threshold);
        Assert.DoesNotContain(await QueueIdsAsync(), x => x == id);
    }

    [Fact]
    public async Task ApiReportWithoutCategory_Unsure_WaitsInTheQueueWithTopThreeSuggestions()
    {
        var id = await ReportUnsureAsync();

        var dto = await GetCaseAsync(id);
        Assert.Equal("reported", dto.GetProperty("status").GetString());
        var queue = await (await AsAsync("operator")).GetFromJsonAsync<JsonElement>("/api/v1/intake/queue?limit=200", Ct);
        var item = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("caseId").GetString() == id);
        var suggestions = item.GetProperty("suggestions").EnumerateArray().ToList();
        Assert.Equal(3, suggestions.Count);
        Assert.Equal([Streetlight, Garbage, Parking], suggestions.Select(s => s.GetProperty("categoryCode").GetString()).Order(StringComparer.Ordinal));
        var probabilities = suggestions.Select(s => s.GetProperty("probability").GetDouble()).ToList();
        Assert.Equal(probabilities.OrderDescending(), probabilities);
        Assert.True(probabilities[0] < Threshold, $"top {probabilities[0]}");
        Assert.Equal(probabilities[0], item.GetProperty("confidence").GetDouble());
        Assert.Equal(suggestions[0].GetProperty("categoryCode").GetString(), item.GetProperty("categoryCode").GetString());
        Assert.False(string.IsNullOrEmpty(suggestions[0].GetProperty("name").GetString()));
        Assert.StartsWith("report-classifier[", item.GetProperty("model").GetString(), StringComparison.Ordinal);
        Assert.True(queue.GetProperty("total").GetInt32() >= 1);
        Assert.Equal(IntakeOutcome.Queued, (await ClassificationAsync(Guid.Parse(id)))!.Outcome);
    }

    [Fact]
    public async Task Confirm_AnotherCategory_FilesAndDispatches_AndKeepsTheCorrectionForRetraining()
    {
        var id = await ReportUnsureAsync();
        var before = await ClassificationAsync(Guid.Parse(id));
        Assert.NotEqual(Parking, before!.SuggestedCategoryCode);

        var response = await (await AsAsync("operator")).PostAsJsonAsync($"/api/v1/intake/queue/{id}/confirm", new { categoryCode = Parking }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var dto = await GetCaseAsync(id);
        Assert.Equal("dispatched", dto.GetProperty("status").GetString());
        Assert.Equal(Parking, dto.GetProperty("categoryCode").GetString());
        Assert.Equal(App.District.TrafficId, dto.GetProperty("departmentId").GetGuid());
        var file = dto.GetProperty("history").EnumerateArray().Single(h => h.GetProperty("action").GetString() == "file");
        Assert.Equal("operator", file.GetProperty("actorName").GetString());
        Assert.Contains(before.SuggestedCategoryCode, file.GetProperty("note").GetString(), StringComparison.Ordinal);

        var after = await ClassificationAsync(Guid.Parse(id));
        Assert.Equal(IntakeOutcome.Corrected, after!.Outcome);
        Assert.Equal(Parking, after.ChosenCategoryCode);
        Assert.DoesNotContain(await QueueIdsAsync(), x => x == id);

        await using var scope = App.Services.CreateAsyncScope();
        var corrections = await scope.ServiceProvider.GetRequiredService<IntakeQueue>().CorrectionsAsync(Ct);
        var feedback = Assert.Single(corrections, c => c.CaseId == Guid.Parse(id));
        Assert.Equal(before.SuggestedCategoryCode, feedback.SuggestedLabel);
        Assert.Equal(Parking, feedback.CorrectLabel);
        Assert.Equal(UnsureText, feedback.Text);
    }

    [Fact]
    public async Task Confirm_TheFirstSuggestion_FilesAndDispatches_WithoutACorrection()
    {
        var id = await ReportUnsureAsync();
        var top = (await ClassificationAsync(Guid.Parse(id)))!.SuggestedCategoryCode;

        var response = await (await AsAsync("supervisor")).PostAsJsonAsync($"/api/v1/intake/queue/{id}/confirm", new { categoryCode = top }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var dto = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(top, dto.GetProperty("categoryCode").GetString());
        Assert.Contains(dto.GetProperty("status").GetString(), new[] { "filed", "dispatched" });
        Assert.Equal(IntakeOutcome.Confirmed, (await ClassificationAsync(Guid.Parse(id)))!.Outcome);
        await using var scope = App.Services.CreateAsyncScope();
        Assert.DoesNotContain(await scope.ServiceProvider.GetRequiredService<IntakeQueue>().CorrectionsAsync(Ct), c => c.CaseId == Guid.Parse(id));

        // Decided once: a second confirmation finds nothing to decide.
        var again = await (await AsAsync("operator")).PostAsJsonAsync($"/api/v1/intake/queue/{id}/confirm", new { categoryCode = top }, Ct);
        await ProblemAsync(again, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("99999")]
    [InlineData("")]
    [InlineData(null)]
    public async Task Confirm_UnknownOrMissingCategory_Is400NamingCategoryCode_AndChangesNothing(string? code)
    {
        var id = await ReportUnsureAsync();
        var before = await GetCaseAsync(id);

        var response = await (await AsAsync("operator")).PostAsJsonAsync($"/api/v1/intake/queue/{id}/confirm", new { categoryCode = code }, Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["categoryCode"], ErrorFields(problem));
        var after = await GetCaseAsync(id);
        Assert.Equal("reported", after.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        Assert.Equal(before.GetProperty("history").GetArrayLength(), after.GetProperty("history").GetArrayLength());
        Assert.Equal(IntakeOutcome.Queued, (await ClassificationAsync(Guid.Parse(id)))!.Outcome);
        Assert.Contains(await QueueIdsAsync(), x => x == id);
    }

    [Theory]
    [InlineData("citizen")]
    [InlineData("handler-a")]
    [InlineData("dispatcher")]
    [InlineData("inspector")]
    public async Task Queue_IsNotOpenToCitizensDepartmentsOrOtherStaff(string user)
    {
        var id = await ReportUnsureAsync();
        var client = await AsAsync(user);

        await ProblemAsync(await client.GetAsync("/api/v1/intake/queue", Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/intake/queue/{id}/confirm", new { categoryCode = Garbage }, Ct), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().GetAsync("/api/v1/intake/queue", Ct)).StatusCode);
        Assert.Equal(IntakeOutcome.Queued, (await ClassificationAsync(Guid.Parse(id)))!.Outcome);
    }

    [Fact]
    public async Task ReportWithACategory_IsNotRouted()
    {
        var id = Id(await ReportAsync(Garbage, description: ConfidentText + " " + Guid.NewGuid().ToString("N")));

        Assert.Equal("reported", (await GetCaseAsync(id)).GetProperty("status").GetString());
        Assert.Null(await ClassificationAsync(Guid.Parse(id)));
    }

    [Fact]
    public async Task Queue_BadLimit_Is400NamingLimit()
    {
        var response = await (await AsAsync("operator")).GetAsync("/api/v1/intake/queue?limit=0", Ct);

        Assert.Equal(["limit"], ErrorFields(await ProblemAsync(response, HttpStatusCode.BadRequest)));
    }

    private async Task<string> ReportUnsureAsync()
    {
        var confidence = await ConfidenceAsync(UnsureText, null);
        Assert.True(confidence < Threshold, $"the fixture's unsure text scores {confidence}");
        var client = await AsAsync("inspector");
        var (lon, lat) = TestDistrict.Inside(1, 2);
        var response = await client.PostAsJsonAsync("/api/v1/cases", new { description = UnsureText, longitude = lon, latitude = lat }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Id(await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    /// <summary>The model's probability for its first suggestion (checked to be <paramref name="expected"/> when given).</summary>
    private async Task<double> ConfidenceAsync(string text, string? expected)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var verdict = await scope.ServiceProvider.GetRequiredService<ReportIntake>().ClassifyAsync(text, Ct);
        Assert.NotNull(verdict);
        if (expected is not null)
        {
            Assert.Equal(expected, verdict.Top.CategoryCode);
        }

        return verdict.Top.Probability;
    }

    private async Task<JsonElement> PostPublicAsync(string description)
    {
        var (lon, lat) = TestDistrict.Inside(0, 1);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(description), "description" },
            { new StringContent(lon.ToString("R", CultureInfo.InvariantCulture)), "longitude" },
            { new StringContent(lat.ToString("R", CultureInfo.InvariantCulture)), "latitude" },
        };
        var response = await App.CreateClient().PostAsync("/api/v1/public/reports", form, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<string> CaseIdAsync(string trackingCode)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        return (await db.Cases.AsNoTracking().SingleAsync(c => c.TrackingCode == trackingCode, Ct)).Id.ToString();
    }

    private async Task<IntakeClassification?> ClassificationAsync(Guid caseId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().IntakeClassifications.AsNoTracking().FirstOrDefaultAsync(k => k.CaseId == caseId, Ct);
    }

    private async Task<List<string>> QueueIdsAsync()
    {
        var queue = await (await AsAsync("operator")).GetFromJsonAsync<JsonElement>("/api/v1/intake/queue?limit=200", Ct);
        return [.. queue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("caseId").GetString()!)];
    }

    /// <summary>A server whose classifier knows three categories (garbage, parking, streetlights), in Chinese and English.</summary>
    public static void Train(CivicGridApp app)
    {
        if (!app.IsAvailable)
        {
            return;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [BilingualSamples.Garbage] = Garbage, [BilingualSamples.Parking] = Parking, [BilingualSamples.Streetlight] = Streetlight,
        };
        var classifier = app.Services.GetRequiredService<ReportClassifier>();
        classifier.Save(classifier.Train(BilingualSamples.Training.Select(e => (e.Text, labels[e.Label]))));
    }
}

public sealed class IntakeRoutingTestsOnSqlite(IntakeRoutingTestsOnSqlite.SqliteRoutingApp app) : IntakeRoutingTests(app), IClassFixture<IntakeRoutingTestsOnSqlite.SqliteRoutingApp>
{
    public sealed class SqliteRoutingApp : CivicGridApp
    {
        public SqliteRoutingApp() => Settings["Intake:AutoFileThreshold"] = Threshold.ToString(CultureInfo.InvariantCulture);

        protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

        public override async ValueTask InitializeAsync()
        {
            await base.InitializeAsync();
            Train(this);
        }
    }
}

public sealed class IntakeRoutingTestsOnPostgres(IntakeRoutingTestsOnPostgres.PostgresRoutingApp app) : IntakeRoutingTests(app), IClassFixture<IntakeRoutingTestsOnPostgres.PostgresRoutingApp>
{
    public sealed class PostgresRoutingApp : CivicGridApp
    {
        public PostgresRoutingApp() => Settings["Intake:AutoFileThreshold"] = Threshold.ToString(CultureInfo.InvariantCulture);

        protected override DatabaseProvider Provider => DatabaseProvider.Postgres;

        public override async ValueTask InitializeAsync()
        {
            await base.InitializeAsync();
            Train(this);
        }
    }
}
