using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Sla;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Cases;
using CivicGrid.Server.Features.CityModel;
using CivicGrid.Server.Features.Intake;
using CivicGrid.Server.Features.PersonalData;
using CivicGrid.Server.Features.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Features;

namespace CivicGrid.Server.Features.WebConsole;

/// <summary>An event category for pickers.</summary>
public sealed record CategoryItem(string Code, string NameZh, string NameEn);

/// <summary>A street or community: code and names.</summary>
public sealed record PlaceItem(string Code, string NameZh, string NameEn);

/// <summary>A department for pickers.</summary>
public sealed record DepartmentItem(Guid Id, string NameZh, string NameEn, bool IsActive);

/// <summary>The small tables the console's pickers and labels need.</summary>
public sealed record ReferenceData(IReadOnlyList<CategoryItem> Categories, IReadOnlyList<PlaceItem> Streets, IReadOnlyList<DepartmentItem> Departments)
{
    public CategoryItem? Category(string code) => Categories.FirstOrDefault(c => string.Equals(c.Code, code, StringComparison.Ordinal));

    public PlaceItem? Street(string code) => Streets.FirstOrDefault(s => string.Equals(s.Code, code, StringComparison.Ordinal));

    public DepartmentItem? Department(Guid? id) => id is { } d ? Departments.FirstOrDefault(x => x.Id == d) : null;
}

/// <summary>An open case on the map.</summary>
public sealed record MapCase(Guid Id, string Number, double Lon, double Lat, Light Light, CaseStatus Status, string CategoryCode);

/// <summary>What the overview shows: counts, the streets and the open cases.</summary>
public sealed record OverviewModel(IReadOnlyDictionary<CaseStatus, int> Counts, int Open, int Overdue, IReadOnlyList<MapCase> Cases, string StreetsGeoJson);

/// <summary>A case as the console shows it, with the names the DTO only has codes for.</summary>
/// <param name="Case">The case as the actor sees it.</param>
/// <param name="Community">Its community's names.</param>
/// <param name="Suggestion">The dispatch suggestion (智能派遣), when the actor may dispatch the case now.</param>
/// <param name="DuplicateOfNumber">The number of the case it duplicates, if merged.</param>
public sealed record CaseView(CaseDto Case, PlaceItem? Community, DispatchSuggestionDto? Suggestion, string? DuplicateOfNumber);

/// <summary>
/// The console's access to the server's own use cases and data. The console lives in long-lived
/// circuits, so every call opens its own DI scope (its own DbContext) and goes through the same
/// <see cref="CaseCommands"/> methods as the API; nothing here talks HTTP to the server itself.
/// </summary>
public sealed class ConsoleData(IServiceScopeFactory scopes, GridLocator grids, IOptions<ConsoleOptions> options, TimeProvider clock)
{
    private static readonly JsonSerializerOptions GeoJson = CreateGeoJsonOptions();

    public ConsoleOptions Options => options.Value;

    public async Task<ReferenceData> ReferenceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var categories = await db.Categories.AsNoTracking()
            .Where(c => c.Kind == CategoryKind.Event && c.IsActive)
            .OrderBy(c => c.Code)
            .Select(c => new CategoryItem(c.Code, c.NameZh, c.NameEn))
            .ToListAsync(ct);
        var streets = await db.Streets.AsNoTracking()
            .OrderBy(s => s.Code)
            .Select(s => new PlaceItem(s.Code, s.NameZh, s.NameEn))
            .ToListAsync(ct);
        var departments = await db.Departments.AsNoTracking()
            .OrderBy(d => d.Code)
            .Select(d => new DepartmentItem(d.Id, d.NameZh, d.NameEn, d.IsActive))
            .ToListAsync(ct);
        return new ReferenceData(categories, streets, departments);
    }

    /// <summary>Counts and the map of open cases, within what the user may see (their department, grids or district).</summary>
    public async Task<OverviewModel> OverviewAsync(Actor actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var access = await scope.ServiceProvider.GetRequiredService<CaseScope>().ForAsync(actor, ct);
        var visible = access.Apply(db.Cases.AsNoTracking());
        var now = clock.GetUtcNow();
        var counts = (await visible
                .GroupBy(c => c.Status)
                .Select(g => new { g.Key, Count = g.Count() })
                .ToListAsync(ct))
            .ToDictionary(x => x.Key, x => x.Count);
        var overdue = await visible.CountAsync(c => c.IsOverdue || c.CurrentDueAt < now, ct);
        var open = OpenStatuses;
        var rows = await visible
            .Where(c => open.Contains(c.Status))
            .OrderByDescending(c => c.ReportedAt)
            .Take(Math.Max(0, options.Value.MaxMapCases))
            .Select(c => new { c.Id, c.Number, c.Longitude, c.Latitude, c.CurrentWarnAt, c.CurrentDueAt, c.Status, c.CategoryCode })
            .ToListAsync(ct);
        var cases = rows.Select(c => new MapCase(c.Id, c.Number, c.Longitude, c.Latitude, Case.LightOf(c.CurrentWarnAt, c.CurrentDueAt, now), c.Status, c.CategoryCode)).ToList();
        return new OverviewModel(counts, counts.Where(kv => open.Contains(kv.Key)).Sum(kv => kv.Value), overdue, cases, await StreetsGeoJsonAsync(db, ct));
    }

    /// <summary>The district's streets as a GeoJSON FeatureCollection (properties code, nameZh, nameEn).</summary>
    public async Task<string> StreetsGeoJsonAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await StreetsGeoJsonAsync(scope.ServiceProvider.GetRequiredService<CivicGridDbContext>(), ct);
    }

    /// <summary>One unit grid's outline as a GeoJSON Feature, or null.</summary>
    public async Task<string?> GridGeoJsonAsync(string gridCode, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var grid = await db.UnitGrids.AsNoTracking().FirstOrDefaultAsync(g => g.Code == gridCode, ct);
        return grid is null ? null : JsonSerializer.Serialize(new Feature(grid.Boundary, new AttributesTable { { "code", grid.Code } }), GeoJson);
    }

    public async Task<CasePageDto> ListAsync(CaseFilter filter, Actor actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseCommands>().ListAsync(filter, actor, ct);
    }

    /// <summary>A case as the actor sees it (allowed actions included), with names and the responsible department.</summary>
    public async Task<CaseView> GetCaseAsync(string idOrNumber, Actor actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var commands = scope.ServiceProvider.GetRequiredService<CaseCommands>();
        var @case = await commands.LoadForAsync(idOrNumber, actor, tracking: false, ct);
        var dto = await commands.ToDtoAsync(@case, actor, ct);
        return await ViewAsync(commands, dto, actor, ct);
    }

    /// <summary>One workflow step through the same use case as <c>POST /api/v1/cases/{id}/transitions</c>.</summary>
    public async Task<CaseView> TransitionAsync(string idOrNumber, TransitionRequest request, Actor actor, int expectedVersion, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var commands = scope.ServiceProvider.GetRequiredService<CaseCommands>();
        var dto = await commands.TransitionAsync(idOrNumber, request, actor, expectedVersion, ct);
        return await ViewAsync(commands, dto, actor, ct);
    }

    /// <summary>The reporter in full, through the same audited use case as <c>POST /api/v1/cases/{id}/reporter/reveal</c>.</summary>
    public async Task<ReporterDto> RevealReporterAsync(string idOrNumber, string reason, Actor actor, string userName, CancellationToken ct)
    {
        if (!PermissionMatrix.Default.Allows(actor.Role, Permission.PersonalDataReveal))
        {
            throw new UnauthorizedAccessException("Your role may not see reporters' personal data.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        return await RevealReporter.RevealAsync(
            idOrNumber, reason, actor, userName, services.GetRequiredService<CaseCommands>(), services.GetRequiredService<IPersonalDataReadObserver>(), ct);
    }

    /// <summary>A report through the same use case as <c>POST /api/v1/cases</c>.</summary>
    public async Task<CaseDto> CreateAsync(CreateCaseRequest request, Actor actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseCommands>().CreateAsync(request, actor, ct);
    }

    /// <summary>The classifier's top categories for a description (empty without a trained model).</summary>
    public async Task<IReadOnlyList<SuggestedCategory>> SuggestAsync(string description, int top, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReportIntake>().SuggestAsync(description, top, ct);
    }

    /// <summary>Open cases nearby that may be the same problem (the same lookup as the citizen page).</summary>
    public async Task<IReadOnlyList<DuplicateCandidate>> DuplicatesAsync(DuplicateQuery query, int top, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DuplicateFinder>().FindAsync(query, top, ct);
    }

    /// <summary>"Me too" from the hotline: the caller joins an open case as one more reporter instead of filing a new one.</summary>
    public async Task<(string Number, string TrackingCode)> JoinAsync(string caseNumber, ReporterContact caller, Actor actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var joined = await scope.ServiceProvider.GetRequiredService<ReportIntake>().JoinAsync(caseNumber, caller, CaseSource.Hotline, actor, ct);
        return (joined.Case.Number, joined.Case.TrackingCode);
    }

    /// <summary>The intake queue as the actor sees it, through the same use case as <c>GET /api/v1/intake/queue</c>.</summary>
    public async Task<Intake.IntakeQueuePage> IntakeQueueAsync(Actor actor, int limit, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Intake.IntakeQueue>().ListAsync(actor, limit, ct);
    }

    /// <summary>Files a queued report under a category, as <c>POST /api/v1/intake/queue/{id}/confirm</c> does.</summary>
    public async Task<CaseDto> ConfirmIntakeAsync(Guid caseId, string categoryCode, Actor actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Intake.IntakeQueue>().ConfirmAsync(caseId, categoryCode, actor, ct);
    }

    /// <summary>The id of the case with this number, or null.</summary>
    public async Task<Guid?> FindCaseIdAsync(string number, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var trimmed = number.Trim();
        return await db.Cases.AsNoTracking().Where(c => c.Number == trimmed).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>The grid, community and street at a position, with names; null outside the district.</summary>
    public async Task<(GridLocation Location, PlaceItem? Community, PlaceItem? Street)?> LocateAsync(double lon, double lat, CancellationToken ct)
    {
        if (await grids.LocateAsync(lon, lat, ct) is not { } location)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var community = await db.Communities.AsNoTracking().Where(c => c.Code == location.CommunityCode)
            .Select(c => new PlaceItem(c.Code, c.NameZh, c.NameEn)).FirstOrDefaultAsync(ct);
        var street = await db.Streets.AsNoTracking().Where(s => s.Code == location.StreetCode)
            .Select(s => new PlaceItem(s.Code, s.NameZh, s.NameEn)).FirstOrDefaultAsync(ct);
        return (location, community, street);
    }

    /// <summary>States in which a case still needs work (shown on the map).</summary>
    public static IReadOnlyList<CaseStatus> OpenStatuses { get; } =
        [.. Enum.GetValues<CaseStatus>().Where(s => !CaseWorkflow.IsTerminal(s))];

    private static async Task<CaseView> ViewAsync(CaseCommands commands, CaseDto dto, Actor actor, CancellationToken ct)
    {
        var db = commands.Db;
        var community = await db.Communities.AsNoTracking().Where(c => c.Code == dto.CommunityCode)
            .Select(c => new PlaceItem(c.Code, c.NameZh, c.NameEn)).FirstOrDefaultAsync(ct);
        var suggestion = dto.AllowedActions.Contains(CaseActions.ToApiName(CaseAction.Dispatch), StringComparer.Ordinal)
            ? await commands.SuggestDispatchAsync(dto.Id.ToString(), actor, ct)
            : null;

        var duplicateOf = dto.DuplicateOfId is { } dup
            ? await db.Cases.AsNoTracking().Where(c => c.Id == dup).Select(c => c.Number).FirstOrDefaultAsync(ct)
            : null;
        return new CaseView(dto, community, suggestion, duplicateOf);
    }

    private static async Task<string> StreetsGeoJsonAsync(CivicGridDbContext db, CancellationToken ct)
    {
        var streets = await db.Streets.AsNoTracking().OrderBy(s => s.Code).ToListAsync(ct);
        var collection = new FeatureCollection();
        foreach (var s in streets)
        {
            collection.Add(new Feature(s.Boundary, new AttributesTable { { "code", s.Code }, { "nameZh", s.NameZh }, { "nameEn", s.NameEn } }));
        }

        return JsonSerializer.Serialize(collection, GeoJson);
    }

    private static JsonSerializerOptions CreateGeoJsonOptions()
    {
        var json = new JsonSerializerOptions();
        ServerHost.ConfigureJson(json);
        return json;
    }
}
