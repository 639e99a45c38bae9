using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Cases;
using CivicGrid.Server.Features.Intake.Classification;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Intake;

/// <summary>A report waiting in the intake queue, with the classifier's suggestions.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Number">Its number.</param>
/// <param name="Description">What the reporter wrote.</param>
/// <param name="Source">The channel it came through.</param>
/// <param name="ReportedAt">When it arrived (UTC).</param>
/// <param name="GridCode">Its unit grid.</param>
/// <param name="StreetCode">Its street.</param>
/// <param name="Address">The address given, if any.</param>
/// <param name="CategoryCode">The category it carries for now (the classifier's first suggestion).</param>
/// <param name="Confidence">The first suggestion's probability.</param>
/// <param name="Threshold">The auto-filing threshold it fell short of.</param>
/// <param name="Model">The model that classified it.</param>
/// <param name="Suggestions">The top suggestions, most probable first.</param>
public sealed record IntakeQueueItem(
    Guid CaseId,
    string Number,
    string Description,
    CaseSource Source,
    DateTimeOffset ReportedAt,
    string GridCode,
    string StreetCode,
    string? Address,
    string CategoryCode,
    double Confidence,
    double Threshold,
    string Model,
    IReadOnlyList<SuggestedCategory> Suggestions);

/// <summary>The intake queue, oldest first.</summary>
/// <param name="Total">How many reports wait (within the caller's data scope).</param>
/// <param name="Items">The first <c>limit</c> of them.</param>
public sealed record IntakeQueuePage(int Total, IReadOnlyList<IntakeQueueItem> Items);

/// <summary>The operator's decision on a queued report: the category to file it under.</summary>
/// <param name="CategoryCode">One of the suggestions, or any other active event category.</param>
public sealed record ConfirmCategoryRequest(string? CategoryCode);

/// <summary>
/// 受理队列: reports that came without a category and that the classifier was not sure enough of. An
/// operator confirms a suggestion or picks another category; the case is then filed (by the
/// operator) and dispatched automatically (<see cref="AutoDispatch"/>), and a different category is
/// kept as a correction for retraining (<see cref="CorrectionsAsync"/>).
/// </summary>
public sealed partial class IntakeQueue(CaseCommands commands, ReportIntake intake, AutoDispatch dispatch, ILogger<IntakeQueue> logger)
{
    public const int MaxLimit = 200;

    /// <summary>The queued reports the actor may see, oldest first.</summary>
    /// <exception cref="DomainValidationException">A limit outside 1–200 (names <c>limit</c>).</exception>
    public async Task<IntakeQueuePage> ListAsync(Actor actor, int limit, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw new DomainValidationException("limit", $"limit must be between 1 and {MaxLimit}.");
        }

        var db = commands.Db;
        var access = await commands.AccessAsync(actor, ct);
        var queued = access.Apply(db.Cases.AsNoTracking())
            .Where(c => c.Status == CaseStatus.Reported || c.Status == CaseStatus.Verifying)
            .Join(db.IntakeClassifications.AsNoTracking().Where(k => k.Outcome == IntakeOutcome.Queued), c => c.Id, k => k.CaseId, (c, k) => new { c, k });
        var total = await queued.CountAsync(ct);
        var rows = await queued
            .OrderBy(x => x.k.ClassifiedAt).ThenBy(x => x.c.Number)
            .Take(limit)
            .Select(x => new
            {
                x.c.Id, x.c.Number, x.c.Description, x.c.Source, x.c.ReportedAt, x.c.GridCode, x.c.StreetCode, x.c.Address, x.c.CategoryCode,
                x.k.Confidence, x.k.Threshold, x.k.Model, x.k.SuggestionsJson,
            })
            .ToListAsync(ct);

        var stored = rows.ToDictionary(r => r.Id, r => JsonSerializer.Deserialize<List<StoredSuggestion>>(r.SuggestionsJson, JsonSerializerOptions.Web) ?? []);
        var codes = stored.Values.SelectMany(s => s.Select(x => x.CategoryCode)).Distinct().ToList();
        var names = await db.Categories.AsNoTracking()
            .Where(c => c.Kind == CategoryKind.Event && codes.Contains(c.Code))
            .ToDictionaryAsync(c => c.Code, c => (c.NameZh, c.NameEn), ct);
        return new IntakeQueuePage(total,
        [
            .. rows.Select(r => new IntakeQueueItem(
                r.Id, r.Number, r.Description, r.Source, r.ReportedAt, r.GridCode, r.StreetCode, r.Address, r.CategoryCode, r.Confidence, r.Threshold, r.Model,
                [
                    .. stored[r.Id].Select(s => new SuggestedCategory(
                        s.CategoryCode,
                        names.GetValueOrDefault(s.CategoryCode).NameZh ?? s.CategoryCode,
                        names.GetValueOrDefault(s.CategoryCode).NameEn ?? s.CategoryCode,
                        s.Probability)),
                ])),
        ]);
    }

    /// <summary>
    /// Files a queued report under <paramref name="categoryCode"/> (a suggestion or any active event
    /// category) as <paramref name="actor"/>, dispatches it by the responsibility rules, and records the
    /// decision; one transaction. Returns the case as the actor now sees it.
    /// </summary>
    /// <exception cref="DomainValidationException">No or an unknown category (names <c>categoryCode</c>); nothing changes.</exception>
    /// <exception cref="NotFoundException">No such case in the actor's scope, or it is not in the queue.</exception>
    /// <exception cref="InvalidCaseTransitionException">The case was decided meanwhile (409).</exception>
    /// <exception cref="CaseActionForbiddenException">The actor's role may not file cases (403).</exception>
    public async Task<CaseDto> ConfirmAsync(Guid caseId, string? categoryCode, Actor actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(categoryCode))
        {
            throw new DomainValidationException("categoryCode", "Choose the category to file the report under.");
        }

        var category = await intake.CategoryAsync(categoryCode.Trim(), ct);
        var db = commands.Db;
        var @case = await commands.LoadForAsync(caseId.ToString(), actor, tracking: true, ct);
        var decision = await db.IntakeClassifications.FirstOrDefaultAsync(k => k.CaseId == caseId && k.Outcome == IntakeOutcome.Queued, ct)
            ?? throw new NotFoundException("Intake queue entry", caseId.ToString());

        var now = commands.Clock.GetUtcNow();
        var sla = await commands.SlaAsync(ct);
        var corrected = !string.Equals(category.Code, decision.SuggestedCategoryCode, StringComparison.Ordinal);
        var note = corrected
            ? string.Create(CultureInfo.InvariantCulture, $"受理员改选分类 {category.Code} {category.NameZh}（分类器 {decision.Model} 首选 {decision.SuggestedCategoryCode}，置信度 {decision.Confidence:0.0000} < 阈值 {decision.Threshold:0.00}）")
            : string.Create(CultureInfo.InvariantCulture, $"受理员确认分类器建议 {category.Code} {category.NameZh}（分类器 {decision.Model}，置信度 {decision.Confidence:0.0000} < 阈值 {decision.Threshold:0.00}）");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        @case.Apply(new CaseTransition(CaseAction.File) { CategoryCode = category.Code, Note = note }, actor, now, sla);
        await dispatch.DispatchAsync(@case, AutoDispatch.SystemActor, "自动派遣（受理员确认分类后）", now, sla, fallback: null, ct);
        decision.Outcome = corrected ? IntakeOutcome.Corrected : IntakeOutcome.Confirmed;
        decision.ChosenCategoryCode = category.Code;
        decision.DecidedById = actor.UserId;
        decision.DecidedAt = now;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        LogDecided(logger, @case.Number, decision.SuggestedCategoryCode, category.Code, corrected);
        return await commands.ToDtoAsync(@case, actor, ct);
    }

    /// <summary>
    /// Operators' corrections, oldest first, as the retraining input
    /// (<see cref="ReportClassifier.Retrain"/>): the report's text, the classifier's first suggestion and
    /// the category the operator chose.
    /// </summary>
    public async Task<IReadOnlyList<ClassificationFeedback>> CorrectionsAsync(CancellationToken ct)
    {
        var db = commands.Db;
        var rows = await db.IntakeClassifications.AsNoTracking()
            .Where(k => k.Outcome == IntakeOutcome.Corrected)
            .Join(db.Cases.AsNoTracking(), k => k.CaseId, c => c.Id, (k, c) => new { c.Description, k.SuggestedCategoryCode, k.ChosenCategoryCode, k.DecidedAt, k.CaseId })
            .ToListAsync(ct);
        return
        [
            .. rows.OrderBy(r => r.DecidedAt)
                .Select(r => new ClassificationFeedback(r.Description, r.SuggestedCategoryCode, r.ChosenCategoryCode!, r.DecidedAt!.Value, r.CaseId)),
        ];
    }

    /// <summary><c>GET /api/v1/intake/queue</c>.</summary>
    internal static async Task<IResult> ListHandlerAsync(ClaimsPrincipal user, IntakeQueue queue, CancellationToken ct, int? limit = null) =>
        TypedResults.Ok(await queue.ListAsync(user.ToActor(), limit ?? 50, ct));

    /// <summary><c>POST /api/v1/intake/queue/{caseId}/confirm</c>.</summary>
    internal static async Task<IResult> ConfirmHandlerAsync(Guid caseId, ConfirmCategoryRequest request, ClaimsPrincipal user, IntakeQueue queue, CancellationToken ct) =>
        TypedResults.Ok(await queue.ConfirmAsync(caseId, request.CategoryCode, user.ToActor(), ct));

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Queued report {CaseNumber} filed by an operator: suggested {Suggested}, chosen {Chosen} (correction: {Corrected})")]
    private static partial void LogDecided(ILogger logger, string caseNumber, string suggested, string chosen, bool corrected);
}
