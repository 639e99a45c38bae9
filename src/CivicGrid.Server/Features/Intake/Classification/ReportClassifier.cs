using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using CivicGrid.Server.Common;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>
/// Suggests a category from a report's description (Chinese or English): trains an ML.NET model
/// (character and word n-grams, TF-IDF, a linear multiclass learner), evaluates it, keeps the
/// current model in <c>&lt;DataDir&gt;/models/report-classifier.zip</c> and predicts with it.
/// </summary>
public sealed partial class ReportClassifier
{
    /// <summary>File name of the current model inside <c>&lt;DataDir&gt;/models/</c>.</summary>
    public const string ModelFileName = "report-classifier.zip";

    private const string ManifestEntry = "CivicGrid/manifest.json";

    private static readonly JsonSerializerOptions ManifestJson = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly IOptions<ServerOptions> _options;
    private readonly ILogger<ReportClassifier> _logger;
    private readonly TimeProvider _clock;
    private readonly Lock _currentLock = new();
    private ClassifierModel? _current;
    private bool _loadAttempted;

    public ReportClassifier(IOptions<ServerOptions> options, ILogger<ReportClassifier> logger, TimeProvider? clock = null)
    {
        _options = options;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Where the current model is (or would be) saved.</summary>
    public string ModelPath => Path.Combine(Path.GetFullPath(_options.Value.DataDir), "models", ModelFileName);

    /// <summary>Trains a model on labelled texts; throws <see cref="ClassificationDataException"/> with fewer than two classes.</summary>
    public ClassifierModel Train(IEnumerable<(string Text, string Label)> examples, ClassifierSettings? settings = null, CancellationToken cancellationToken = default) =>
        TrainWeighted(examples.Select(e => (e.Text, e.Label, 1f)), settings ?? new ClassifierSettings(), cancellationToken);

    /// <summary>
    /// Retrains from the base data plus operator corrections. A correction replaces the label of the
    /// same text in the base data (the latest correction of a text wins) and counts
    /// <paramref name="feedbackWeight"/> times as much as a base example.
    /// </summary>
    public ClassifierModel Retrain(
        IEnumerable<(string Text, string Label)> baseData,
        IEnumerable<ClassificationFeedback> corrections,
        ClassifierSettings? settings = null,
        float feedbackWeight = 2f,
        CancellationToken cancellationToken = default)
    {
        var correctionList = corrections.ToList();
        var examples = MergeFeedback(baseData, correctionList, feedbackWeight);
        var model = TrainWeighted(examples, settings ?? new ClassifierSettings(), cancellationToken);
        LogRetrained(_logger, correctionList.Count, model.Manifest.ExampleCount);
        return model;
    }

    /// <summary>The training set of <see cref="Retrain"/>: base examples (weight 1) whose text has no correction, then the latest correction of each text (weight <paramref name="feedbackWeight"/>); texts are compared after normalisation.</summary>
    internal static List<(string Text, string Label, float Weight)> MergeFeedback(
        IEnumerable<(string Text, string Label)> baseData, IEnumerable<ClassificationFeedback> corrections, float feedbackWeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(feedbackWeight);
        var latest = corrections
            .Select((c, i) => (Correction: c, Order: i))
            .OrderBy(c => c.Correction.CorrectedAt).ThenBy(c => c.Order)
            .GroupBy(c => ReportText.Normalize(c.Correction.Text), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Correction, StringComparer.Ordinal);
        return
        [
            .. baseData.Where(e => !latest.ContainsKey(ReportText.Normalize(e.Text))).Select(e => (e.Text, e.Label, 1f)),
            .. latest.Values.Select(c => (c.Text, c.CorrectLabel, feedbackWeight)),
        ];
    }

    /// <summary>Scores <paramref name="model"/> on labelled texts: accuracy, macro-F1 and per-class precision/recall/F1.</summary>
    public static ClassificationEvaluation Evaluate(ClassifierModel model, IEnumerable<(string Text, string Label)> examples)
    {
        var list = examples as IReadOnlyList<(string Text, string Label)> ?? [.. examples];
        var predicted = model.PredictTopMany(list.Select(e => e.Text));
        return ClassificationEvaluation.Compute([.. list.Select((e, i) => (e.Label, predicted[i].Label, (double)predicted[i].Probability))]);
    }

    /// <summary>The <paramref name="top"/> most probable categories by the current model; empty when no model has been trained yet.</summary>
    public IReadOnlyList<CategorySuggestion> Predict(string text, int top = 3) =>
        Current() is { } model ? model.Predict(text, top) : [];

    /// <summary>The current model: the last one saved, or the one on disk; null when there is none.</summary>
    public ClassifierModel? Current()
    {
        lock (_currentLock)
        {
            if (_current is null && !_loadAttempted)
            {
                _loadAttempted = true;
                _current = File.Exists(ModelPath) ? Load(ModelPath) : null;
            }

            return _current;
        }
    }

    /// <summary>Saves <paramref name="model"/> as the current model (written to a temporary file, then moved into place) and returns the path.</summary>
    public string Save(ClassifierModel model)
    {
        var path = ModelPath;
        Save(model, path);
        lock (_currentLock)
        {
            _current = model;
            _loadAttempted = true;
        }

        LogSaved(_logger, path, model.Manifest.Settings, model.Manifest.ExampleCount);
        return path;
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically: a reader sees the old file or the new one.</summary>
    public static void Save(ClassifierModel model, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = File.Create(temporary))
            {
                new MLContext().Model.Save(model.Transformer, model.InputSchema, stream);
            }

            using (var zip = ZipFile.Open(temporary, ZipArchiveMode.Update))
            {
                using var entry = zip.CreateEntry(ManifestEntry).Open();
                JsonSerializer.Serialize(entry, model.Manifest, ManifestJson);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Reads a model saved by <see cref="Save(ClassifierModel, string)"/>.</summary>
    public static ClassifierModel Load(string path)
    {
        ClassifierManifest manifest;
        using (var zip = ZipFile.OpenRead(path))
        {
            var entry = zip.GetEntry(ManifestEntry) ?? throw new InvalidDataException($"'{path}' is not a CivicGrid report classifier (no {ManifestEntry})");
            using var stream = entry.Open();
            manifest = JsonSerializer.Deserialize<ClassifierManifest>(stream, ManifestJson)
                ?? throw new InvalidDataException($"'{path}' has an empty manifest");
        }

        var ml = new MLContext(manifest.Settings.Seed);
        var transformer = ml.Model.Load(path, out var inputSchema);
        return new ClassifierModel(ml, transformer, inputSchema, manifest);
    }

    private ClassifierModel TrainWeighted(IEnumerable<(string Text, string Label, float Weight)> examples, ClassifierSettings settings, CancellationToken cancellationToken)
    {
        if (settings.CharNgramLength <= 0 && settings.WordNgramLength <= 0)
        {
            throw new ArgumentException("At least one of character or word n-grams must be on.", nameof(settings));
        }

        var stopwatch = Stopwatch.StartNew();
        var rows = examples
            .Where(e => !string.IsNullOrWhiteSpace(e.Text) && !string.IsNullOrWhiteSpace(e.Label))
            .Select(e => (e.Text, Label: e.Label.Trim(), e.Weight))
            .ToList();
        var labels = rows.Select(r => r.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (labels.Count < 2)
        {
            throw new ClassificationDataException($"training needs at least 2 classes, got {labels.Count}");
        }

        var prepared = new ReportRow[rows.Count];
        Parallel.For(0, rows.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Math.Max(1, settings.Threads) },
            i => prepared[i] = ClassifierModel.Prepare(rows[i].Text, rows[i].Label, settings, rows[i].Weight));

        var ml = new MLContext(settings.Seed);
        var data = ml.Data.LoadFromEnumerable(prepared);
        var pipeline = BuildPipeline(ml, settings, labels);
        var transformer = pipeline.Fit(data);
        cancellationToken.ThrowIfCancellationRequested();

        var order = ScoreOrder(transformer.GetOutputSchema(data.Schema));
        if (!order.SequenceEqual(labels, StringComparer.Ordinal))
        {
            throw new InvalidOperationException("The model's score order differs from its label order.");
        }

        stopwatch.Stop();
        var manifest = new ClassifierManifest(settings, labels, rows.Count, _clock.GetUtcNow(), stopwatch.Elapsed);
        LogTrained(_logger, rows.Count, labels.Count, settings, stopwatch.Elapsed);
        return new ClassifierModel(ml, transformer, data.Schema, manifest);
    }

    private static EstimatorChain<ITransformer> BuildPipeline(MLContext ml, ClassifierSettings settings, IReadOnlyList<string> labels)
    {
        var weighting = settings.Weighting == NgramWeighting.TfIdf
            ? NgramExtractingEstimator.WeightingCriteria.TfIdf
            : NgramExtractingEstimator.WeightingCriteria.Tf;

        // The label keys are fixed in ordinal order so that the score vector matches the manifest.
        var keyData = ml.Data.LoadFromEnumerable(labels.Select(l => new LabelKey { Label = l }));
        var pipeline = new EstimatorChain<ITransformer>().Append<ITransformer>(ml.Transforms.Conversion.MapValueToKey("Label", keyData: keyData));
        var features = new List<string>();
        if (settings.CharNgramLength > 0)
        {
            // Character n-grams need no segmentation, so they carry Chinese and English alike.
            pipeline = pipeline.Append<ITransformer>(ml.Transforms.Text.FeaturizeText("CharGrams", new TextFeaturizingEstimator.Options
            {
                CaseMode = TextNormalizingEstimator.CaseMode.None,
                KeepDiacritics = true,
                KeepPunctuations = true,
                KeepNumbers = true,
                WordFeatureExtractor = null,
                CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = settings.CharNgramLength, UseAllLengths = true, Weighting = weighting },
                Norm = TextFeaturizingEstimator.NormFunction.L2,
            }, nameof(ReportRow.Text)));
            features.Add("CharGrams");
        }

        if (settings.WordNgramLength > 0)
        {
            pipeline = pipeline.Append<ITransformer>(ml.Transforms.Text.FeaturizeText("WordGrams", new TextFeaturizingEstimator.Options
            {
                CaseMode = TextNormalizingEstimator.CaseMode.None,
                KeepDiacritics = true,
                KeepPunctuations = true,
                KeepNumbers = true,
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = settings.WordNgramLength, UseAllLengths = true, Weighting = weighting },
                CharFeatureExtractor = null,
                Norm = TextFeaturizingEstimator.NormFunction.L2,
            }, nameof(ReportRow.Words)));
            features.Add("WordGrams");
        }

        if (settings.MinDocumentFrequency > 1)
        {
            // N-grams seen in only one or two reports carry noise and most of the dimensions.
            pipeline = pipeline.Append<ITransformer>(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount(
                [.. features.Select(f => new InputOutputColumnPair(f))], settings.MinDocumentFrequency));
        }

        pipeline = pipeline
            .Append<ITransformer>(ml.Transforms.Concatenate("Features", [.. features]))
            .AppendCacheCheckpoint(ml);
        return pipeline.Append(CreateTrainer(ml, settings));
    }

    private static IEstimator<ITransformer> CreateTrainer(MLContext ml, ClassifierSettings settings) => settings.Trainer switch
    {
        ClassifierTrainer.Sdca => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            ExampleWeightColumnName = nameof(ReportRow.Weight),
            L2Regularization = settings.L2,
            MaximumNumberOfIterations = settings.Iterations,
            NumberOfThreads = settings.Threads,
        }),
        ClassifierTrainer.Lbfgs => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            ExampleWeightColumnName = nameof(ReportRow.Weight),
            L1Regularization = 0f, // ML.NET's default L1 of 1 zeroes almost every n-gram weight here
            L2Regularization = settings.L2 ?? 0.01f,
            NumberOfThreads = settings.Threads,
        }),
        ClassifierTrainer.LinearSvm => ml.MulticlassClassification.Trainers.OneVersusAll(
            ml.BinaryClassification.Trainers.LinearSvm(new LinearSvmTrainer.Options
            {
                ExampleWeightColumnName = nameof(ReportRow.Weight),
                Lambda = settings.L2 ?? 0.001f,
                NumberOfIterations = settings.Iterations ?? 1,
            })),
        ClassifierTrainer.SdcaSvm => ml.MulticlassClassification.Trainers.OneVersusAll(
            ml.BinaryClassification.Trainers.SdcaNonCalibrated(new SdcaNonCalibratedBinaryTrainer.Options
            {
                ExampleWeightColumnName = nameof(ReportRow.Weight),
                LossFunction = new HingeLoss(),
                L2Regularization = settings.L2,
                MaximumNumberOfIterations = settings.Iterations,
                NumberOfThreads = settings.Threads,
            }),
            useProbabilities: true),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Trainer, "unknown trainer"),
    };

    private static List<string> ScoreOrder(DataViewSchema schema)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        schema["Score"].GetSlotNames(ref names);
        return [.. names.DenseValues().Select(n => n.ToString())];
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "Report classifier trained on {Examples} examples, {Classes} classes ({Settings}) in {Elapsed}")]
    private static partial void LogTrained(ILogger logger, int examples, int classes, ClassifierSettings settings, TimeSpan elapsed);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Information, Message = "Report classifier retrained with {Corrections} operator corrections ({Examples} examples after merging)")]
    private static partial void LogRetrained(ILogger logger, int corrections, int examples);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Information, Message = "Report classifier saved to {Path} ({Settings}, {Examples} examples)")]
    private static partial void LogSaved(ILogger logger, string path, ClassifierSettings settings, int examples);

    private sealed class LabelKey
    {
        public string Label { get; set; } = string.Empty;
    }
}
