using System.Threading.Channels;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// Drains the ingestion queue in batches: one transaction per batch (readings, dead letters, last
/// seen), then completes every payload's promise — the acknowledgement to the device — and hands
/// the new readings to the rule engine, which runs on its own task in commit order while the next
/// batch is written (a short bounded queue between them keeps back pressure). A failed batch fails
/// its payloads (the devices resend; duplicates are dropped by key) and the writer carries on.
/// </summary>
public sealed partial class TelemetryWriter(
    TelemetryIngress ingress,
    IServiceScopeFactory scopes,
    AlarmEngine alarms,
    SensingLiveFeed live,
    IOptions<TelemetryOptions> options,
    SensingMetrics metrics,
    ILogger<TelemetryWriter> logger) : BackgroundService
{
    /// <summary>A device's last-seen instant is written at most this often (the silent check works in minutes).</summary>
    public static TimeSpan LastSeenResolution { get; } = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);

    private readonly Channel<List<(TelemetryBatchItem, TelemetryItemResult)>> _evaluations =
        Channel.CreateBounded<List<(TelemetryBatchItem, TelemetryItemResult)>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = ingress.Reader;
        var evaluator = EvaluateAsync(stoppingToken);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var batch = new List<IngestItem>(options.Value.BatchSize);
                while (batch.Count < options.Value.BatchSize && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                await WriteAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Payloads still queued were never acknowledged; their devices resend them.
            while (reader.TryRead(out var item))
            {
                item.Done.TrySetCanceled(stoppingToken);
            }
        }
        finally
        {
            _evaluations.Writer.TryComplete();
            await evaluator;
        }
    }

    private async Task EvaluateAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var committed in _evaluations.Reader.ReadAllAsync(ct))
            {
                try
                {
                    // After the acknowledgement: a crash here loses no reading, only this evaluation (the next reading re-evaluates).
                    await alarms.OnCommittedAsync(committed, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRulesFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: evaluations not yet run are lost, the readings are not.
        }
    }

    /// <summary>The devices of a batch whose last-seen instant is due for writing (not written in the last <see cref="LastSeenResolution"/>).</summary>
    private List<string> DueForTouch(List<IngestItem> batch)
    {
        var due = new List<string>();
        foreach (var item in batch)
        {
            var b = item.Batch;
            if (b.Messages.Count > 0
                && (!_touched.TryGetValue(b.DeviceId, out var last) || b.ReceivedAt - last >= LastSeenResolution || b.ReceivedAt < last))
            {
                _touched[b.DeviceId] = b.ReceivedAt;
                due.Add(b.DeviceId);
            }
        }

        return due;
    }

    private async Task WriteAsync(List<IngestItem> batch, CancellationToken ct)
    {
        IReadOnlyList<TelemetryItemResult> results;
        var touch = DueForTouch(batch);
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            results = await TelemetryStore.WriteAsync(db, [.. batch.Select(i => i.Batch)], touch, ct);
        }
        catch (Exception e)
        {
            foreach (var id in touch)
            {
                _touched.Remove(id);
            }

            LogBatchFailed(logger, e, batch.Count);
            foreach (var item in batch)
            {
                item.Done.TrySetException(e);
            }

            return;
        }

        metrics.Batch(batch.Count);
        var committed = new List<(TelemetryBatchItem, TelemetryItemResult)>(batch.Count);
        var liveReadings = live.HasTelemetrySubscribers;
        for (var i = 0; i < batch.Count; i++)
        {
            var (item, result) = (batch[i], results[i]);
            metrics.Messages(item.Batch.Channel, "stored", result.Stored.Count);
            metrics.Messages(item.Batch.Channel, "duplicate", result.Duplicates);
            metrics.Messages(item.Batch.Channel, "deadLettered", result.DeadLettered);
            if (item.Batch.Rejections.Count > 0)
            {
                foreach (var reason in item.Batch.Rejections.GroupBy(r => r.Reason))
                {
                    metrics.Rejected(item.Batch.Channel, System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(reason.Key.ToString()), reason.Count());
                }
            }

            item.Done.TrySetResult(new IngestOutcome(IngestStatus.Stored, result.Stored.Count, result.Duplicates, item.Batch.Rejections));
            committed.Add((item.Batch, result));
            if (liveReadings)
            {
                foreach (var message in result.Stored)
                {
                    live.Telemetry(item.Batch.DeviceId, message);
                }
            }
        }

        await _evaluations.Writer.WriteAsync(committed, ct);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Writing a telemetry batch of {Count} payloads failed; they were not acknowledged")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Evaluating rules after a telemetry batch failed")]
    private static partial void LogRulesFailed(ILogger logger, Exception exception);
}
