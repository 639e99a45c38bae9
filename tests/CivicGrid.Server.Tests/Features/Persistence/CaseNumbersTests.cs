using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Persistence;

/// <summary>Case numbers: per year, never repeated, continuing after a bulk import.</summary>
public abstract class CaseNumbersTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task Next_AfterReserve_ContinuesTheYear_AndNeverRepeats()
    {
        var year = 2000 + Random.Shared.Next(40, 99);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();

        await CaseNumbers.ReserveAsync(db, year, 41, Ct);
        var first = await CaseNumbers.NextAsync(db, year, Ct);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var s = App.Services.CreateAsyncScope();
            return await CaseNumbers.NextAsync(s.ServiceProvider.GetRequiredService<CivicGridDbContext>(), year, Ct);
        }));

        Assert.Equal($"{year}-000042", first);
        Assert.Equal(8, concurrent.Distinct(StringComparer.Ordinal).Count());
        Assert.All(concurrent, n => Assert.True(string.CompareOrdinal(n, first) > 0, n));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class CaseNumbersTestsOnSqlite(SqliteApp app) : CaseNumbersTests(app);

[Collection(PostgresCollection.Name)]
public sealed class CaseNumbersTestsOnPostgres(PostgresApp app) : CaseNumbersTests(app);
