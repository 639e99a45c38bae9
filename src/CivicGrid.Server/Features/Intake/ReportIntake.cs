using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Geography;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Calendar;
using CivicGrid.Server.Features.Cases;
using CivicGrid.Server.Features.CityModel;
using CivicGrid.Server.Features.Intake.Classification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Intake;

/// <summary>A position resolved for intake: stored (WGS-84) coordinates, its grid, and the system it was given in.</summary>
public sealed record IntakePlace(double Longitude, double Latitude, GridLocation Location, CoordinateSystem GivenIn);

/// <summary>A category the classifier suggests, with its names.</summary>
public sealed record SuggestedCategory(string CategoryCode, string Name, string NameEn, double Probability);

/// <summary>The classifier's verdict on a report that came without a category: its top suggestions and which model spoke.</summary>
public sealed record ClassifierVerdict(IReadOnlyList<SuggestedCategory> Suggestions, string Model)
{
    /// <summary>The first suggestion.</summary>
    public SuggestedCategory Top => Suggestions[0];
}

/// <summary>The category a report is filed under and, when the classifier chose it, its verdict (null when the reporter chose).</summary>
public sealed record CategoryChoice(string CategoryCode, ClassifierVerdict? Verdict);

/// <summary>A case filed through intake: the case, its reporter link and the reporter's one-time secret.</summary>
public sealed record FiledReport(Case Case, CaseReporter? Reporter, string? Secret);

/// <summary>
/// 受理: the one way a report becomes a case, whatever the channel (the citizen page, Open311, the
/// API and the console): resolve the position to grid, community and street (WGS-84, GCJ-02 or
/// BD-09), suggest a category with the classifier when none is given, look up duplicates, and
/// file — case number, tracking code and reporter link in the caller's transaction. A report the
/// classifier categorised is routed: filed and dispatched by the system when the classifier is
/// confident enough (<see cref="IntakeOptions.AutoFileThreshold"/>), else left for the operator
/// queue (<see cref="IntakeQueue"/>).
/// </summary>
public sealed class ReportIntake(
    CivicGridDbContext db,
    GridLocator grids,
    SlaPolicyProvider slaProvider,
    ReportClassifier classifier,
    AutoDispatch dispatch,
    IOptions<IntakeOptions> options,
    TimeProvider clock)
{
    /// <summary>The actor of anonymous public reports.</summary>
    public static Actor Citizen { get; } = new(Guid.Empty, "市民", Role.Citizen, null);

    /// <summary>The actor that files reports the classifier is sure of: the system, with a supervisor's rights to file and dispatch.</summary>
    public static Actor IntakeSystem { get; } = new(Guid.Empty, "智能受理（系统）", Role.Supervisor, null);

    public CivicGridDbContext Db => db;

    public TimeProvider Clock => clock;

    public Task<ISlaPolicy> SlaAsync(CancellationToken ct) => slaProvider.GetAsync(ct);

    /// <summary>Resolves a position in a named coordinate system; names the field that is wrong.</summary>
    /// <exception cref="DomainValidationException">No position, a bad system, or a place outside the district.</exception>
    public async Task<IntakePlace> LocateAsync(double? longitude, double? latitude, string? coordinateSystem, CancellationToken ct)
    {
        if (longitude is null || latitude is null)
        {
            throw new DomainValidationException(longitude is null ? "longitude" : "latitude", "Pick the place on the map or share your position (longitude and latitude).");
        }

        if (!double.IsFinite(longitude.Value) || longitude is < -180 or > 180)
        {
            throw new DomainValidationException("longitude", "Longitude must be between -180 and 180.");
        }

        if (!double.IsFinite(latitude.Value) || latitude is < -90 or > 90)
        {
            throw new DomainValidationException("latitude", "Latitude must be between -90 and 90.");
        }

        if (!CoordinateSystems.TryParse(coordinateSystem, out var system))
        {
            throw new DomainValidationException("coordinateSystem", $"'{coordinateSystem}' is not wgs84, gcj02 or bd09.");
        }

        var wgs = CoordinateSystems.ToWgs84(new LonLat(longitude.Value, latitude.Value), system);
        var location = await grids.LocateAsync(wgs.Longitude, wgs.Latitude, ct)
            ?? throw new DomainValidationException("longitude", "The position lies outside the district (no unit grid contains it).");
        return new IntakePlace(wgs.Longitude, wgs.Latitude, location, system);
    }

    /// <summary>An active event category by code; 400 naming <c>categoryCode</c> otherwise.</summary>
    public async Task<Category> CategoryAsync(string code, CancellationToken ct) =>
        await db.Categories.AsNoTracking().FirstOrDefaultAsync(c => c.Kind == CategoryKind.Event && c.Code == code && c.IsActive, ct)
        ?? throw new DomainValidationException("categoryCode", $"'{code}' is not an active event category.");

    /// <summary>
    /// The classifier's suggestions for a description, as active event categories (labels that are
    /// category codes or category names); empty when no model is trained.
    /// </summary>
    public async Task<IReadOnlyList<SuggestedCategory>> SuggestAsync(string description, int top, CancellationToken ct)
    {
        var raw = classifier.Predict(description, Math.Max(top * 2, 5));
        if (raw.Count == 0)
        {
            return [];
        }

        var labels = raw.Select(r => r.Label).ToList();
        var categories = await db.Categories.AsNoTracking()
            .Where(c => c.Kind == CategoryKind.Event && c.IsActive && (labels.Contains(c.Code) || labels.Contains(c.NameZh) || labels.Contains(c.NameEn)))
            .ToListAsync(ct);
        return
        [
            .. raw.Select(r => (r, c: categories.FirstOrDefault(c => c.Code == r.Label) ?? categories.FirstOrDefault(c => c.NameZh == r.Label || c.NameEn == r.Label)))
                .Where(x => x.c is not null)
                .DistinctBy(x => x.c!.Code)
                .Take(top)
                .Select(x => new SuggestedCategory(x.c!.Code, x.c.NameZh, x.c.NameEn, Math.Round(x.r.Probability, 4))),
        ];
    }

    /// <summary>The classifier's verdict on a description (top suggestions as active categories); null when it has none (no model, or no known label).</summary>
    public async Task<ClassifierVerdict?> ClassifyAsync(string description, CancellationToken ct)
    {
        var suggestions = await SuggestAsync(description, Math.Max(1, options.Value.QueueSuggestions), ct);
        return suggestions.Count == 0 ? null : new ClassifierVerdict(suggestions, ModelName(classifier.Current()));
    }

    /// <summary>The category to file under: the one given (checked), else the classifier's first suggestion with its verdict.</summary>
    /// <exception cref="DomainValidationException">An unknown category, or none given and none suggested.</exception>
    public async Task<CategoryChoice> ResolveCategoryAsync(string? given, string description, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            return new CategoryChoice((await CategoryAsync(given.Trim(), ct)).Code, null);
        }

        var verdict = await ClassifyAsync(description, ct)
            ?? throw new DomainValidationException("categoryCode", "Choose a category (no suggestion could be made from the description).");
        return new CategoryChoice(verdict.Top.CategoryCode, verdict);
    }

    /// <summary>
    /// 上报 with photos, in one go: stores the (already checked) photos, files the report in its own
    /// transaction with the photos attached to its first step, and deletes the stored files again
    /// when anything fails, so a refused report leaves neither a case nor an orphaned file.
    /// </summary>
    public async Task<FiledReport> FileWithPhotosAsync(
        CaseReport report, Actor actor, ReporterContact? contact, ClassifierVerdict? verdict,
        IReadOnlyList<(IFormFile File, string ContentType)> photos, AttachmentStore store, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var sla = await SlaAsync(ct);
        var stored = new List<(IFormFile File, string ContentType, string Key, string Sha)>();
        try
        {
            foreach (var (file, contentType) in photos)
            {
                await using var s = file.OpenReadStream();
                var (key, sha) = await store.SaveAsync(s, now, ct);
                stored.Add((file, contentType, key, sha));
            }

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var filed = await ReportInTransactionAsync(report, actor, contact, verdict, now, sla, ct);
            db.CaseAttachments.AddRange(stored.Select(m => new CaseAttachment
            {
                CaseId = filed.Case.Id,
                HistorySequence = 1,
                FileName = Open311.PostRequest.CleanName(m.File.FileName, m.ContentType),
                ContentType = m.ContentType,
                Size = m.File.Length,
                Sha256 = m.Sha,
                StorageKey = m.Key,
                UploadedById = actor.UserId,
                UploadedAt = now,
            }));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return filed;
        }
        catch
        {
            foreach (var m in stored)
            {
                store.Delete(m.Key);
            }

            throw;
        }
    }

    /// <summary>
    /// 上报 inside the caller's transaction: numbers the case, gives it a tracking code, adds it and,
    /// when <paramref name="contact"/> is given, links the reporter with a fresh secret. Saving is
    /// left to the caller, which may add more rows (attachments, channel records) first.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="verdict"/> (the classifier chose the category), the report is routed in
    /// the same transaction: filed and dispatched by the system when the first suggestion reaches the
    /// threshold, else queued for an operator; either way the verdict is kept with the case.
    /// </remarks>
    public async Task<FiledReport> ReportInTransactionAsync(CaseReport report, Actor actor, ReporterContact? contact, ClassifierVerdict? verdict, DateTimeOffset now, ISlaPolicy sla, CancellationToken ct)
    {
        var number = await CaseNumbers.NextAsync(db, sla.Calendar.ToLocal(now).Year, ct);
        var @case = Case.Report(Guid.CreateVersion7(now), number, report with { TrackingCode = report.TrackingCode ?? TrackingCodes.New() }, actor, now, sla);
        db.Cases.Add(@case);
        if (verdict is not null)
        {
            await RouteAsync(@case, verdict, now, sla, ct);
        }

        if (contact is null)
        {
            return new FiledReport(@case, null, null);
        }

        var secret = NewSecret();
        var reporter = CaseReporter.Create(Guid.CreateVersion7(now), @case.Id, report.Source, isOriginal: true, contact, HashSecret(secret), now);
        db.CaseReporters.Add(reporter);
        return new FiledReport(@case, reporter, secret);
    }

    /// <summary>
    /// 智能受理: files and dispatches a report the classifier is sure of (history notes name the model
    /// and its confidence), or leaves it reported for the operator queue; records the verdict.
    /// </summary>
    private async Task RouteAsync(Case @case, ClassifierVerdict verdict, DateTimeOffset now, ISlaPolicy sla, CancellationToken ct)
    {
        var threshold = options.Value.AutoFileThreshold;
        var top = verdict.Top;
        var confident = top.Probability >= threshold;
        db.IntakeClassifications.Add(new IntakeClassification
        {
            CaseId = @case.Id,
            SuggestionsJson = JsonSerializer.Serialize(verdict.Suggestions.Select(s => new StoredSuggestion(s.CategoryCode, s.Probability)), JsonSerializerOptions.Web),
            SuggestedCategoryCode = top.CategoryCode,
            Confidence = top.Probability,
            Threshold = threshold,
            Model = verdict.Model.Length > 300 ? verdict.Model[..300] : verdict.Model,
            ClassifiedAt = now,
            Outcome = confident ? IntakeOutcome.AutoFiled : IntakeOutcome.Queued,
        });
        if (!confident)
        {
            return;
        }

        var why = string.Create(CultureInfo.InvariantCulture, $"分类器 {verdict.Model} 判定为 {top.CategoryCode} {top.Name}，置信度 {top.Probability:0.0000} ≥ 阈值 {threshold:0.00}");
        @case.Apply(new CaseTransition(CaseAction.File) { Note = $"智能受理自动立案：{why}" }, IntakeSystem, now, sla);
        await dispatch.DispatchAsync(@case, IntakeSystem, $"自动派遣（智能受理：{why}）", now, sla, fallback: null, ct);
    }

    /// <summary>A model as history notes and the queue name it: learner, features, examples and when it was trained.</summary>
    public static string ModelName(ClassifierModel? model) =>
        model is null
            ? "report-classifier"
            : string.Create(CultureInfo.InvariantCulture, $"report-classifier[{model.Manifest.Settings.Describe()}; {model.Manifest.ExampleCount} examples; trained {model.Manifest.TrainedAt:yyyy-MM-dd HH:mm}Z]");

    /// <summary>
    /// 我也遇到: links one more reporter to an open case instead of filing a new one; the history
    /// records it. Returns the case and the new reporter's secret.
    /// </summary>
    /// <exception cref="NotFoundException">No case has that number.</exception>
    /// <exception cref="DomainValidationException">The case has ended.</exception>
    public async Task<FiledReport> JoinAsync(string caseNumber, ReporterContact contact, CaseSource channel, Actor actor, CancellationToken ct)
    {
        var @case = await db.Cases.FirstOrDefaultAsync(c => c.Number == caseNumber, ct)
            ?? throw new NotFoundException("Case", caseNumber);
        var now = clock.GetUtcNow();
        @case.RecordReporterJoined(channel, actor, now);
        var secret = NewSecret();
        var reporter = CaseReporter.Create(Guid.CreateVersion7(now), @case.Id, channel, isOriginal: false, contact, HashSecret(secret), now);
        db.CaseReporters.Add(reporter);
        await db.SaveChangesAsync(ct);
        return new FiledReport(@case, reporter, secret);
    }

    /// <summary>A reporter's secret: 16 base32 characters (80 bits) from the CSPRNG, shown once.</summary>
    public static string NewSecret() => TrackingCodes.New() + TrackingCodes.New()[..4];

    /// <summary>Lower-case hex SHA-256 of a secret as typed (normalised like a tracking code).</summary>
    public static string HashSecret(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(TrackingCodes.Normalize(secret))));

    /// <summary>Compares a typed secret with a stored hash in constant time.</summary>
    public static bool SecretMatches(string? typed, string storedHash) =>
        !string.IsNullOrEmpty(typed)
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(HashSecret(typed)), System.Text.Encoding.ASCII.GetBytes(storedHash));
}

/// <summary>A suggestion as <see cref="IntakeClassification.SuggestionsJson"/> keeps it (names are read from the categories when shown).</summary>
internal sealed record StoredSuggestion(string CategoryCode, double Probability);
