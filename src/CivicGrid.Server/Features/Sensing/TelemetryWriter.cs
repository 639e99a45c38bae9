using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// Drains the ingestion queue in batches: one transaction per batch (readings, dead letters, last
/// seen), then completes every payload's promise — the acknowledgement to the device — and hands
/// the new readings to the rule engine. A failed batch fails its payloads (the devices resend;
/// duplicates are dropped by key) and the writer carries on.
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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = ingress.Reader;
        var batch = new List<IngestItem>(options.Value.BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
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
    }

    private async Task WriteAsync(List<IngestItem> batch, CancellationToken ct)
    {
        IReadOnlyList<TelemetryItemResult> results;
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            results = await TelemetryStore.WriteAsync(db, [.. batch.Select(i => i.Batch)], ct);
        }
        catch (Exception e)
        {
            LogBatchFailed(logger, e, batch.Count);
            foreach (var item in batch)
            {
                item.Done.TrySetException(e);
            }

            return;
        }

        metrics.Batch(batch.Count);
        var committed = new List<(TelemetryBatchItem, TelemetryItemResult)>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var (item, result) = (batch[i], results[i]);
            metrics.Messages(item.Batch.Channel, "stored", result.Stored.Count);
            metrics.Messages(item.Batch.Channel, "duplicate", result.Duplicates);
            metrics.Messages(item.Batch.Channel, "deadLettered", result.DeadLettered);
            foreach (var reason in item.Batch.Rejections.GroupBy(r => r.Reason))
            {
                metrics.Rejected(item.Batch.Channel, System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(reason.Key.ToString()), reason.Count());
            }

            item.Done.TrySetResult(new IngestOutcome(IngestStatus.Stored, result.Stored.Count, result.Duplicates, item.Batch.Rejections));
            committed.Add((item.Batch, result));
            if (live.HasSubscribers)
            {
                foreach (var message in result.Stored)
                {
                    live.Telemetry(item.Batch.DeviceId, message);
                }
            }
        }

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

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Writing a telemetry batch of {Count} payloads failed; they were not acknowledged")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Evaluating rules after a telemetry batch failed")]
    private static partial void LogRulesFailed(ILogger logger, Exception exception);
}
