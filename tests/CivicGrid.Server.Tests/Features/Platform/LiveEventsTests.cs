using System.Net;
using System.Net.Http.Headers;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Platform;

/// <summary>The live feed relays what the outbox recorded, in order, to connected staff.</summary>
public abstract class LiveEventsTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task Events_StreamCaseChangesFromTheOutbox()
    {
        var client = await AsAsync("supervisor");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        await ReadUntilAsync(reader, "event: ready", cts.Token);

        var id = Id(await ReportAsync());
        await StepAsync("operator", id, new { action = "file" });

        var reported = await ReadUntilAsync(reader, id, cts.Token);
        Assert.Contains("\"caseId\":\"" + id + "\"", reported, StringComparison.Ordinal);
        var transitioned = await ReadUntilAsync(reader, "\"action\":\"file\"", cts.Token);
        Assert.Contains(id, transitioned, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_RequireSignIn()
    {
        var response = await App.CreateClient().GetAsync("/api/v1/events", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<string> ReadUntilAsync(StreamReader reader, string needle, CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Contains(needle, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"The stream ended before '{needle}'.");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class LiveEventsTestsOnSqlite(SqliteApp app) : LiveEventsTests(app);

[Collection(PostgresCollection.Name)]
public sealed class LiveEventsTestsOnPostgres(PostgresApp app) : LiveEventsTests(app);
