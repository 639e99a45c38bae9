using System.Text.Json;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Domain.Telemetry.Rules;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;
using CivicGrid.Server.Features.Security;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>Rules as data over HTTP: CRUD, export and import as JSON. Staff read, admins write.</summary>
public static class AlarmRuleEndpoints
{
    public const string ExportFormat = "civicgrid-alarm-rules/1";

    /// <summary>A stored rule.</summary>
    public sealed record AlarmRuleDto(Guid Id, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, RuleDefinition Definition);

    /// <summary>One rule of an export: its id and definition.</summary>
    public sealed record ExportedRuleDto(Guid Id, RuleDefinition Definition);

    /// <summary>The export document, which import takes back as it is.</summary>
    public sealed record RuleExportDto(string Format, DateTimeOffset ExportedAt, IReadOnlyList<ExportedRuleDto> Rules);

    /// <summary>What an import did.</summary>
    public sealed record RuleImportResultDto(int Created, int Updated);

    public static IEndpointRouteBuilder MapAlarmRules(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/alarm-rules").WithTags("Alarm rules").RequirePermission(Permission.AlarmsRead);
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (RuleValidationException e)
            {
                return Results.ValidationProblem(e.Errors, title: "Invalid rule", detail: "The rule has invalid fields; nothing was saved.");
            }
        });
        group.MapGet("/", async (CivicGridDbContext db, CancellationToken ct) =>
            Results.Ok((await db.AlarmRules.AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct)).Select(ToDto).ToList()))
            .WithName("ListAlarmRules").WithSummary("Every alarm rule.").Produces<List<AlarmRuleDto>>();
        group.MapGet("/export", ExportAsync).WithName("ExportAlarmRules")
            .WithSummary("Every rule as one JSON document, which import takes back.").Produces<RuleExportDto>();
        group.MapGet("/{id:guid}", async (Guid id, CivicGridDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var rule = await db.AlarmRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("Alarm rule", id.ToString());
            http.Response.Headers.ETag = ETags.For(rule.Version);
            return Results.Ok(ToDto(rule));
        }).WithName("GetAlarmRule").WithSummary("One rule.").Produces<AlarmRuleDto>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", CreateAsync).RequirePermission(Permission.AlarmRulesManage).WithName("CreateAlarmRule")
            .Accepts<RuleDefinition>("application/json")
            .WithSummary("Create a rule (admin): threshold (hysteresis, forMinutes), rateOfChange, noData, zScore, seasonal, all/any; optional schedule, area, aggregate and case mapping.")
            .Produces<AlarmRuleDto>(StatusCodes.Status201Created).ProducesValidationProblem();
        group.MapPut("/{id:guid}", UpdateAsync).RequirePermission(Permission.AlarmRulesManage).WithName("UpdateAlarmRule")
            .Accepts<RuleDefinition>("application/json")
            .WithSummary("Replace a rule's definition (admin); If-Match checks the version. Enable or disable with enabled.")
            .Produces<AlarmRuleDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{id:guid}", DeleteAsync).RequirePermission(Permission.AlarmRulesManage).WithName("DeleteAlarmRule")
            .WithSummary("Delete a rule (admin); its open alarms are cleared, its alarm history stays.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/import", ImportAsync).RequirePermission(Permission.AlarmRulesManage).WithRequestBodyLimit(16 * 1024 * 1024).WithName("ImportAlarmRules")
            .Accepts<RuleExportDto>("application/json")
            .WithSummary("Import rules (admin) from an export document or an array of {id?, definition}: existing ids are replaced, new ones created; all or none.")
            .Produces<RuleImportResultDto>().ProducesValidationProblem();
        return app;
    }

    public static AlarmRuleDto ToDto(AlarmRule r) => new(r.Id, r.Version, r.CreatedAt, r.UpdatedAt, r.Definition);

    private static async Task<IResult> CreateAsync(JsonElement body, CivicGridDbContext db, AlarmRuleCache cache, TimeProvider clock, CancellationToken ct)
    {
        var definition = await ReadAsync(body, string.Empty, db, ct);
        var rule = AlarmRule.Create(Guid.CreateVersion7(clock.GetUtcNow()), definition, clock.GetUtcNow());
        db.AlarmRules.Add(rule);
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return Results.Created($"/api/v1/alarm-rules/{rule.Id}", ToDto(rule));
    }

    private static async Task<IResult> UpdateAsync(Guid id, JsonElement body, CivicGridDbContext db, AlarmRuleCache cache, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var rule = await db.AlarmRules.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("Alarm rule", id.ToString());
        ETags.CheckIfMatch(http.Request, rule.Version);
        var definition = await ReadAsync(body, string.Empty, db, ct);
        rule.Apply(definition, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        http.Response.Headers.ETag = ETags.For(rule.Version);
        return Results.Ok(ToDto(rule));
    }

    private static async Task<IResult> DeleteAsync(Guid id, CivicGridDbContext db, AlarmRuleCache cache, AlarmActions actions, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var rule = await db.AlarmRules.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("Alarm rule", id.ToString());
        db.AlarmRules.Remove(rule);
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        var open = await db.Alarms.AsNoTracking().Where(a => a.RuleId == id && a.State != AlarmState.Cleared).Select(a => a.Id).ToListAsync(ct);
        var actor = http.User.ToActor();
        foreach (var alarmId in open)
        {
            await actions.ClearAsync(alarmId, actor, "规则已删除 (rule deleted)", null, clock.GetUtcNow(), ct);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> ExportAsync(CivicGridDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var rules = await db.AlarmRules.AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct);
        return Results.Ok(new RuleExportDto(ExportFormat, clock.GetUtcNow(), [.. rules.Select(r => new ExportedRuleDto(r.Id, r.Definition))]));
    }

    private static async Task<IResult> ImportAsync(JsonElement body, CivicGridDbContext db, AlarmRuleCache cache, TimeProvider clock, CancellationToken ct)
    {
        var items = body.ValueKind switch
        {
            JsonValueKind.Array => body,
            JsonValueKind.Object when body.TryGetProperty("rules", out var rules) && rules.ValueKind == JsonValueKind.Array => rules,
            _ => throw new DomainValidationException("rules", "Import an export document ({\"rules\": [...]}) or an array of {id?, definition}."),
        };
        if (items.GetArrayLength() is 0 or > 1000)
        {
            throw new DomainValidationException("rules", "Import 1 to 1000 rules at a time.");
        }

        var parsed = new List<(Guid? Id, RuleDefinition Definition)>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var prefix = $"rules[{i++}]";
            try
            {
                Guid? id = null;
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var idElement) && idElement.ValueKind != JsonValueKind.Null)
                {
                    id = idElement.ValueKind == JsonValueKind.String && Guid.TryParse(idElement.GetString(), out var g) ? g : throw new DomainValidationException(prefix + ".id", "id is a GUID.");
                }

                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("definition", out var definition))
                {
                    throw new DomainValidationException(prefix + ".definition", "Each rule has a definition.");
                }

                parsed.Add((id, await ReadAsync(definition, prefix + ".definition", db, ct)));
            }
            catch (DomainValidationException e)
            {
                errors[e.Field] = [e.Message];
            }
            catch (RuleValidationException e)
            {
                foreach (var (field, messages) in e.Errors)
                {
                    errors[field] = messages;
                }
            }
        }

        var duplicateIds = parsed.Where(p => p.Id is not null).GroupBy(p => p.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicateIds.Count > 0)
        {
            errors["rules"] = [$"The ids {string.Join(", ", duplicateIds)} appear more than once."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "Invalid import", detail: "Nothing was imported.");
        }

        var now = clock.GetUtcNow();
        var ids = parsed.Where(p => p.Id is not null).Select(p => p.Id!.Value).ToList();
        var existing = await db.AlarmRules.Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        int created = 0, updated = 0;
        foreach (var (id, definition) in parsed)
        {
            if (id is { } known && existing.TryGetValue(known, out var rule))
            {
                rule.Apply(definition, now);
                updated++;
            }
            else
            {
                db.AlarmRules.Add(AlarmRule.Create(id ?? Guid.CreateVersion7(now), definition, now));
                created++;
            }
        }

        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return Results.Ok(new RuleImportResultDto(created, updated));
    }

    /// <summary>Reads and validates a definition: shape, schema, and that the case category exists.</summary>
    private static async Task<RuleDefinition> ReadAsync(JsonElement json, string prefix, CivicGridDbContext db, CancellationToken ct)
    {
        var definition = RuleJson.Deserialize(json, prefix);
        var errors = definition.Validate().ToList();
        if (definition.Case is { CategoryCode: { Length: 5 } code }
            && !await db.Categories.AnyAsync(c => c.Kind == CategoryKind.Event && c.Code == code && c.IsActive, ct))
        {
            errors.Add(("case.categoryCode", $"'{code}' is not an active event category."));
        }

        if (errors.Count > 0)
        {
            var p = prefix.Length == 0 ? string.Empty : prefix + ".";
            throw new RuleValidationException(errors.GroupBy(e => p + e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal));
        }

        return definition;
    }
}

/// <summary>A rule definition with problems: 400 with every field named.</summary>
public sealed class RuleValidationException(IDictionary<string, string[]> errors) : Exception("The rule is invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}
