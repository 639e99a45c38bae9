using CivicGrid.Domain.Cases;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>
/// The classifier learns from the city's own work: its examples are the descriptions of filed cases
/// labelled with their (confirmed) category codes, and the operators' corrections from the intake
/// queue count double (<see cref="ReportClassifier.Retrain"/>). Retrains when there is no model yet
/// and enough filed cases, when enough corrections came in, or when the model is old and cases were
/// filed since.
/// </summary>
public sealed partial class ClassifierRetraining(
    CivicGridDbContext db, IntakeQueue queue, ReportClassifier classifier, IOptions<IntakeOptions> options, TimeProvider clock, ILogger<ClassifierRetraining> logger)
{
    /// <summary>Cases an operator (or the confident classifier) filed: their category is the confirmed one.</summary>
    private static readonly CaseStatus[] Labelled =
        [CaseStatus.Filed, CaseStatus.Dispatched, CaseStatus.Handling, CaseStatus.Suspended, CaseStatus.Checking, CaseStatus.Closed];

    /// <summary>
    /// Retrains and saves the model when it is due; returns the new model, or null when nothing was
    /// due. <paramref name="mayStart"/>, asked only when a retraining is due, can hold it back (the
    /// job's "is the server busy" check); the next call asks again.
    /// </summary>
    public async Task<ClassifierModel?> RetrainIfDueAsync(CancellationToken ct, Func<CancellationToken, Task<bool>>? mayStart = null)
    {
        var o = options.Value.Retrain;
        var current = classifier.Current();
        var corrections = await queue.CorrectionsAsync(ct);
        if (current is not null)
        {
            var since = current.Manifest.TrainedAt;
            var newCorrections = corrections.Count(c => c.CorrectedAt > since);
            var stale = clock.GetUtcNow() - since >= o.MaxAge
                && await db.Cases.AsNoTracking().AnyAsync(c => c.ReportedAt > since && Labelled.Contains(c.Status), ct);
            if (newCorrections < o.AfterCorrections && !stale)
            {
                return null;
            }
        }

        var examples = await db.Cases.AsNoTracking()
            .Where(c => Labelled.Contains(c.Status))
            .OrderByDescending(c => c.ReportedAt)
            .Take(o.MaxExamples)
            .Select(c => new { c.Description, c.CategoryCode })
            .ToListAsync(ct);
        var rows = examples.Where(e => !string.IsNullOrWhiteSpace(e.Description)).Select(e => (e.Description, e.CategoryCode)).ToList();
        if (rows.Count < o.MinExamples || rows.Select(r => r.CategoryCode).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            LogTooFew(logger, rows.Count, o.MinExamples);
            return null;
        }

        if (mayStart is not null && !await mayStart(ct))
        {
            return null;
        }

        // Training is CPU work of seconds to a minute: off the request threads, on this job's.
        var model = await Task.Run(() => classifier.Retrain(rows, corrections, current?.Manifest.Settings, cancellationToken: ct), ct);
        classifier.Save(model);
        LogRetrained(logger, rows.Count, corrections.Count);
        return model;
    }

    [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Classifier retrained from {Cases} filed cases and {Corrections} operator corrections")]
    private static partial void LogRetrained(ILogger logger, int cases, int corrections);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Debug, Message = "Classifier not trained: {Cases} filed cases, at least {Minimum} needed")]
    private static partial void LogTooFew(ILogger logger, int cases, int minimum);
}

/// <summary>Asks <see cref="ClassifierRetraining"/> whether a retraining is due, first shortly after the start, then every <see cref="ClassifierRetrainOptions.CheckInterval"/>.</summary>
public sealed partial class ClassifierRetrainJob(IServiceScopeFactory scopes, Readiness readiness, IOptions<IntakeOptions> options, TimeProvider clock, ILogger<ClassifierRetrainJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value.Retrain;
        if (!o.Enabled)
        {
            return;
        }

        await Task.Delay(o.FirstCheckAfter, clock, stoppingToken);
        while (!readiness.IsReady)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken);
        }

        using var timer = new PeriodicTimer(o.CheckInterval, clock);
        do
        {
            if (!readiness.IsReady)
            {
                continue;
            }

            try
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<ClassifierRetraining>().RetrainIfDueAsync(stoppingToken, QuietEnoughAsync);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>How long the server's CPU use is watched before a due retraining starts.</summary>
    public static TimeSpan LoadSample { get; } = TimeSpan.FromSeconds(5);

    private DateTimeOffset? _postponedSince;

    /// <summary>Whether a due retraining may start now: not while the server is busy, unless it has waited <see cref="ClassifierRetrainOptions.MaxPostpone"/> already.</summary>
    public static bool ShouldPostpone(double load, double busyAbove, DateTimeOffset? postponedSince, DateTimeOffset now, TimeSpan maxPostpone) =>
        load > busyAbove && (postponedSince is not { } since || now - since < maxPostpone);

    private async Task<bool> QuietEnoughAsync(CancellationToken ct)
    {
        var o = options.Value.Retrain;
        var load = await ProcessLoad.MeasureAsync(LoadSample, ct);
        var now = clock.GetUtcNow();
        if (ShouldPostpone(load, o.BusyAbove, _postponedSince, now, o.MaxPostpone))
        {
            _postponedSince ??= now;
            LogPostponed(logger, load);
            return false;
        }

        _postponedSince = null;
        return true;
    }

    [LoggerMessage(EventId = 1313, Level = LogLevel.Information, Message = "Classifier retraining is due but postponed to the next check: the server uses {Load:P0} of the machine's cores")]
    private static partial void LogPostponed(ILogger logger, double load);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "Classifier retraining failed; it is tried again at the next check")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
