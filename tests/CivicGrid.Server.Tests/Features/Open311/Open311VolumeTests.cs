using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Open311;

/// <summary>The 1000-result cap and the paging extension, over a thousand cases.</summary>
public abstract class Open311VolumeTests(CivicGridApp app) : Open311Test(app)
{
    [Fact]
    public async Task Default_AtMost1000_AndPagingExtension()
    {
        var now = App.Clock.GetUtcNow();
        var all = await InsertCasesAsync(1003, "06037", now.AddDays(-3));

        var first = await GetJsonAsync("/requests.json?service_code=06037");
        Assert.Equal(1000, first.GetArrayLength());
        Assert.Equal(1000, (await GetJsonAsync("/requests.json")).GetArrayLength());
        Assert.Equal(1000, (await GetJsonAsync("/servicerequestupdates.json")).GetArrayLength());

        var page1 = Ids(await GetJsonAsync("/requests.json?service_code=06037&page_size=600&page=1"));
        var page2 = Ids(await GetJsonAsync("/requests.json?service_code=06037&page_size=600&page=2"));
        Assert.Equal(600, page1.Count);
        Assert.Equal(403, page2.Count);
        Assert.Empty(page1.Intersect(page2));
        Assert.Equal(all.Order(), page1.Concat(page2).Order());
    }
}

[Collection(Open311SqliteCollection.Name)]
public sealed class Open311VolumeTestsOnSqlite(SqliteApp app) : Open311VolumeTests(app);

[Collection(Open311PostgresCollection.Name)]
public sealed class Open311VolumeTestsOnPostgres(PostgresApp app) : Open311VolumeTests(app);
