using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Audit;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Audit;

/// <summary>
/// Tampering with the trail behind the application's back (raw SQL: update, delete, insert, a
/// rewritten chain) is found by the verification, which names the first broken entry. These tests
/// break the chain on purpose, so they run on an app of their own.
/// </summary>
public abstract class AuditVerifyTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task IntactTrail_Verifies()
    {
        await ReportAsync();

        var result = await VerifyAsync();

        Assert.True(result.GetProperty("intact").GetBoolean(), result.GetRawText());
        Assert.True(result.GetProperty("entries").GetInt64() > 0);
    }

    [Fact]
    public async Task UpdatedEntry_IsNamed()
    {
        var target = await MiddleEntryAsync();
        var forged = "{\"Status\":\"Closed\"}";
        await SqlAsync($"UPDATE audit_entries SET \"After\" = {forged} WHERE \"Sequence\" = {target.Sequence}");
        try
        {
            var result = await VerifyAsync();
            Assert.False(result.GetProperty("intact").GetBoolean());
            Assert.Equal(target.Sequence, result.GetProperty("firstBrokenSequence").GetInt64());
            Assert.Contains($"entry #{target.Sequence} does not match its hash: altered", result.GetProperty("problem").GetString(), StringComparison.Ordinal);
            await AssertCliNamesAsync(target.Sequence);
        }
        finally
        {
            await RestoreAsync(target);
        }

        Assert.True((await VerifyAsync()).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task DeletedEntry_IsNamed()
    {
        var target = await MiddleEntryAsync();
        await SqlAsync($"DELETE FROM audit_entries WHERE \"Sequence\" = {target.Sequence}");
        try
        {
            var result = await VerifyAsync();
            Assert.False(result.GetProperty("intact").GetBoolean());
            Assert.Equal(target.Sequence, result.GetProperty("firstBrokenSequence").GetInt64());
            Assert.Contains($"entry #{target.Sequence} is missing", result.GetProperty("problem").GetString(), StringComparison.Ordinal);
            await AssertCliNamesAsync(target.Sequence);
        }
        finally
        {
            await RestoreAsync(target);
        }

        Assert.True((await VerifyAsync()).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task InsertedEntry_IsNamed()
    {
        await AsAsync("auditor");
        await ReportAsync();
        long next;
        using (var scope = App.Services.CreateScope())
        {
            next = (await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().AuditChainHead.AsNoTracking().FirstAsync(Ct)).LastSequence + 1;
        }

        var forged = Guid.NewGuid();
        object at = App.Engine == DatabaseProvider.Sqlite ? App.Clock.GetUtcNow().UtcTicks : App.Clock.GetUtcNow();
        await SqlAsync($"""
            INSERT INTO audit_entries ("Id", "Sequence", "At", "ActorName", "ActorRole", "Action", "PreviousHash", "Hash")
            VALUES ({forged}, {next}, {at}, 'admin', 'admin', 'delete', {new string('a', 64)}, {new string('b', 64)})
            """);
        try
        {
            var result = await VerifyAsync();
            Assert.False(result.GetProperty("intact").GetBoolean());
            Assert.Equal(next, result.GetProperty("firstBrokenSequence").GetInt64());
            Assert.Contains($"entry #{next} lies beyond the end of the chain", result.GetProperty("problem").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await SqlAsync($"DELETE FROM audit_entries WHERE \"Id\" = {forged}");
        }

        Assert.True((await VerifyAsync()).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task RewrittenChain_IsCaughtByTheSignedCheckpoint()
    {
        var target = await MiddleEntryAsync();
        await ReportAsync();
        AuditCheckpoint checkpoint;
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var key = scope.ServiceProvider.GetRequiredService<AuditCheckpointKey>();
            checkpoint = (await CheckpointJob.RunOnceAsync(db, key.Bytes, App.Clock.GetUtcNow(), Ct))!;
        }

        Assert.NotNull(checkpoint);

        // Someone who knows the algorithm but not the checkpoint key alters an entry and recomputes every hash after it.
        var originals = new List<AuditEntry>();
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var tail = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence >= target.Sequence).OrderBy(e => e.Sequence).ToListAsync(Ct);
            originals.AddRange(tail.Select(Copy));
            var previous = tail[0].PreviousHash;
            foreach (var e in tail)
            {
                var forged = Copy(e);
                forged.PreviousHash = previous;
                forged.ActorName = e.Sequence == target.Sequence ? "nobody" : e.ActorName;
                forged.Hash = AuditChain.ComputeHash(forged);
                previous = forged.Hash;
                await db.Database.ExecuteSqlAsync($"UPDATE audit_entries SET \"ActorName\" = {forged.ActorName}, \"PreviousHash\" = {forged.PreviousHash}, \"Hash\" = {forged.Hash} WHERE \"Id\" = {e.Id}", Ct);
            }

            await db.Database.ExecuteSqlAsync($"UPDATE audit_chain_head SET \"LastHash\" = {previous}", Ct);
        }

        try
        {
            var result = await VerifyAsync();
            Assert.False(result.GetProperty("intact").GetBoolean());
            Assert.Contains("differs from its signed checkpoint", result.GetProperty("problem").GetString(), StringComparison.Ordinal);
            Assert.Equal(checkpoint.Sequence, result.GetProperty("firstBrokenSequence").GetInt64());
        }
        finally
        {
            using var scope = App.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            foreach (var e in originals)
            {
                await db.Database.ExecuteSqlAsync($"UPDATE audit_entries SET \"ActorName\" = {e.ActorName}, \"PreviousHash\" = {e.PreviousHash}, \"Hash\" = {e.Hash} WHERE \"Id\" = {e.Id}", Ct);
            }

            var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync(Ct);
            await db.Database.ExecuteSqlAsync($"UPDATE audit_chain_head SET \"LastHash\" = {head.Hash}", Ct);
        }

        Assert.True((await VerifyAsync()).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task ForgedCheckpoint_IsRefused()
    {
        await AsAsync("auditor");
        await ReportAsync();
        long sequence;
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var head = await db.AuditChainHead.AsNoTracking().FirstAsync(Ct);
            sequence = head.LastSequence;
            db.AuditCheckpoints.Add(new AuditCheckpoint { Sequence = head.LastSequence, Hash = head.LastHash, At = App.Clock.GetUtcNow(), Signature = Convert.ToBase64String(new byte[32]) });
            await db.SaveChangesAsync(Ct);
        }

        try
        {
            var result = await VerifyAsync();
            Assert.False(result.GetProperty("intact").GetBoolean());
            Assert.Contains("invalid signature", result.GetProperty("problem").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await SqlAsync($"DELETE FROM audit_checkpoints WHERE \"Sequence\" = {sequence}");
        }
    }

    private async Task<JsonElement> VerifyAsync()
    {
        var auditor = await AsAsync("auditor");
        return await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify", Ct);
    }

    /// <summary>A case's "create" entry with entries after it.</summary>
    private async Task<AuditEntry> MiddleEntryAsync()
    {
        // Sign the auditor in first: a sign-in during the tampering would append to the tampered chain.
        await AsAsync("auditor");
        var c = await ReportAsync();
        await StepAsync("operator", Id(c), new { action = "file" });
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var id = Id(c);
        return await db.AuditEntries.AsNoTracking().SingleAsync(e => e.EntityId == id && e.Action == "create", Ct);
    }

    /// <summary>Puts an entry back exactly as it was (re-inserting it if it was deleted).</summary>
    private async Task RestoreAsync(AuditEntry original)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        await db.AuditEntries.Where(e => e.Id == original.Id).ExecuteDeleteAsync(Ct);
        db.AuditEntries.Add(Copy(original));
        await db.SaveChangesAsync(Ct);
    }

    private async Task SqlAsync(FormattableString sql)
    {
        using var scope = App.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().Database.ExecuteSqlAsync(sql, Ct);
    }

    /// <summary>On SQLite, <c>civicgrid audit verify</c> against the app's data folder: exit 2 and one stderr line naming the entry.</summary>
    private async Task AssertCliNamesAsync(long sequence)
    {
        if (App.Engine != DatabaseProvider.Sqlite)
        {
            return;
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CivicGridCli.BuildRoot().Parse(["audit", "verify", "--data-dir", App.DataDir])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct);

        Assert.Equal(CivicGridCli.AuditBrokenExitCode, exit);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"civicgrid: audit trail broken: entry #{sequence} ", line, StringComparison.Ordinal);
    }

    private static AuditEntry Copy(AuditEntry e) => new()
    {
        Id = e.Id, Sequence = e.Sequence, At = e.At, ActorId = e.ActorId, ActorName = e.ActorName, ActorRole = e.ActorRole,
        Action = e.Action, EntityType = e.EntityType, EntityId = e.EntityId, Before = e.Before, After = e.After,
        ClientAddress = e.ClientAddress, CorrelationId = e.CorrelationId, TraceId = e.TraceId, PreviousHash = e.PreviousHash, Hash = e.Hash,
    };
}

[CollectionDefinition(Name)]
public sealed class AuditSqliteCollection : ICollectionFixture<SqliteApp>
{
    public const string Name = "audit-sqlite";
}

[CollectionDefinition(Name)]
public sealed class AuditPostgresCollection : ICollectionFixture<PostgresApp>
{
    public const string Name = "audit-postgres";
}

[Collection(AuditSqliteCollection.Name)]
public sealed class AuditVerifyTestsOnSqlite(SqliteApp app) : AuditVerifyTests(app);

[Collection(AuditPostgresCollection.Name)]
public sealed class AuditVerifyTestsOnPostgres(PostgresApp app) : AuditVerifyTests(app);
