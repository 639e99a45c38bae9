using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Intake.Classification;
using CivicGrid.Server.Tests.Features.Intake.Classification;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Intake;

/// <summary>
/// The classifier learns from the city's filed cases (labelled by their category codes) and
/// retrains when operators correct it in the intake queue. Each engine gets its own server: the
/// shared one has no model, and other suites rely on that.
/// </summary>
public abstract class ClassifierRetrainingTests(CivicGridApp app) : ApiTest(app)
{
    private static readonly Dictionary<string, string> Codes = new(StringComparer.Ordinal)
    {
        [BilingualSamples.Garbage] = "06010", [BilingualSamples.Parking] = "09009", [BilingualSamples.Streetlight] = "01037",
    };

    [Fact]
    public async Task FiledCases_TrainTheModel_AndACorrection_RetrainsIt()
    {
        var classifier = App.Services.GetRequiredService<ReportClassifier>();
        var before = await RetrainAsync();
        Assert.Null(before);
        Assert.Null(classifier.Current());

        // The city's work: reports filed with their confirmed categories; an unfiled one does not count.
        foreach (var (sample, label) in BilingualSamples.Training)
        {
            var c = await ReportAsync(Codes[label], description: sample);
            await StepAsync("operator", Id(c), new { action = "file" });
        }

        // Due, but held back (the job's check finds the server busy): nothing is trained yet.
        Assert.Null(await RetrainAsync(mayStart: _ => Task.FromResult(false)));
        Assert.Null(classifier.Current());

        var first = await RetrainAsync();

        Assert.NotNull(first);
        Assert.Equal(["01037", "06010", "09009"], first.Manifest.Labels.Order(StringComparer.Ordinal));
        Assert.Equal(BilingualSamples.Training.Count, first.Manifest.ExampleCount);
        Assert.Equal("06010", classifier.Predict("垃圾桶满了没人清运")[0].Label);
        Assert.Null(await RetrainAsync());

        // An operator corrects a queued report (automatic filing is off here): the next check retrains.
        var (lon, lat) = TestDistrict.Inside(1, 2);
        var text = "路边一直有车占着消防通道 " + Guid.NewGuid().ToString("N")[..6];
        var posted = await (await AsAsync("inspector")).PostAsJsonAsync("/api/v1/cases", new { description = text, longitude = lon, latitude = lat }, Ct);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var id = Id(await posted.Content.ReadFromJsonAsync<JsonElement>(Ct));
        var top = classifier.Predict(text)[0].Label;
        var corrected = Codes.Values.First(code => code != top);
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        var confirmed = await (await AsAsync("operator")).PostAsJsonAsync($"/api/v1/intake/queue/{id}/confirm", new { categoryCode = corrected }, Ct);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);

        var second = await RetrainAsync();

        Assert.NotNull(second);
        Assert.Equal(BilingualSamples.Training.Count + 1, second.Manifest.ExampleCount);
        Assert.Same(second, classifier.Current());
    }

    private async Task<ClassifierModel?> RetrainAsync(Func<CancellationToken, Task<bool>>? mayStart = null)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ClassifierRetraining>().RetrainIfDueAsync(Ct, mayStart);
    }

    /// <summary>Settings of the retraining servers: few examples are enough, one correction retrains, nothing is filed automatically.</summary>
    internal static void Configure(CivicGridApp app)
    {
        app.Settings["Intake:Retrain:MinExamples"] = "20";
        app.Settings["Intake:Retrain:AfterCorrections"] = "1";
        app.Settings["Intake:AutoFileThreshold"] = 2.ToString(CultureInfo.InvariantCulture);
    }
}

public sealed class ClassifierRetrainingTestsOnSqlite(ClassifierRetrainingTestsOnSqlite.RetrainingApp app) : ClassifierRetrainingTests(app), IClassFixture<ClassifierRetrainingTestsOnSqlite.RetrainingApp>
{
    public sealed class RetrainingApp : CivicGridApp
    {
        public RetrainingApp() => Configure(this);

        protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    }
}

public sealed class ClassifierRetrainingTestsOnPostgres(ClassifierRetrainingTestsOnPostgres.RetrainingApp app) : ClassifierRetrainingTests(app), IClassFixture<ClassifierRetrainingTestsOnPostgres.RetrainingApp>
{
    public sealed class RetrainingApp : CivicGridApp
    {
        public RetrainingApp() => Configure(this);

        protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
    }
}
