using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CivicGrid.Server.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>
/// <c>civicgrid model train|evaluate --csv FILE</c>: trains the report classifier from a labelled CSV
/// and measures it on a held-out stratified split. Bad input prints one line on stderr and exits 1.
/// </summary>
public static class ModelCommands
{
    /// <summary>The <c>model</c> command with its <c>train</c> and <c>evaluate</c> subcommands.</summary>
    public static Command Build(Option<string?> dataDir)
    {
        var model = new Command("model", "Train and evaluate the report classifier (category suggestions).");
        model.Add(BuildTrain(dataDir));
        model.Add(BuildEvaluate(dataDir));
        return model;
    }

    private sealed record CommonOptions(
        Option<string> Csv,
        Option<string[]> TextColumns,
        Option<string?> LabelColumn,
        Option<double> TestFraction,
        Option<int> Seed,
        Option<ClassifierTrainer?> Trainer,
        Option<int?> CharNgrams,
        Option<int?> WordNgrams,
        Option<int?> MinDf,
        Option<int?> Lead,
        Option<float?> L2,
        Option<int?> Iterations)
    {
        public static CommonOptions Create()
        {
            var defaults = new ClassifierSettings();
            var testFraction = new Option<double>("--test-fraction") { Description = "Share of each class held out for measuring (default 0.2).", DefaultValueFactory = _ => 0.2 };
            testFraction.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<double>() is <= 0 or >= 1)
                {
                    r.AddError("--test-fraction must be between 0 and 1.");
                }
            });
            return new CommonOptions(
                new Option<string>("--csv") { Description = "Labelled CSV file with a header row (RFC 4180).", Required = true },
                new Option<string[]>("--text-column") { Description = "Text column(s), joined with a space; default title+detail, else text, description, detail or content.", AllowMultipleArgumentsPerToken = true },
                new Option<string?>("--label-column") { Description = "Label column; default label_l1, label or category." },
                testFraction,
                new Option<int>("--seed") { Description = "Seed of the stratified split.", DefaultValueFactory = _ => StratifiedSplit.DefaultSeed },
                new Option<ClassifierTrainer?>("--trainer") { Description = string.Create(CultureInfo.InvariantCulture, $"Learner: SdcaSvm, Sdca, Lbfgs or LinearSvm (default {defaults.Trainer}).") },
                new Option<int?>("--char-ngrams") { Description = string.Create(CultureInfo.InvariantCulture, $"Longest character n-gram, 0 for none (default {defaults.CharNgramLength}).") },
                new Option<int?>("--word-ngrams") { Description = string.Create(CultureInfo.InvariantCulture, $"Longest word n-gram, 0 for none (default {defaults.WordNgramLength}).") },
                new Option<int?>("--min-df") { Description = string.Create(CultureInfo.InvariantCulture, $"Keep n-grams found in at least this many texts (default {defaults.MinDocumentFrequency}).") },
                new Option<int?>("--lead") { Description = string.Create(CultureInfo.InvariantCulture, $"Count the first N characters twice, 0 for off (default {defaults.LeadLength}).") },
                new Option<float?>("--l2") { Description = "L2 regularisation (learner-specific scale)." },
                new Option<int?>("--iterations") { Description = "Passes over the data (Sdca, LinearSvm)." });
        }

        public IEnumerable<Option> All => [Csv, TextColumns, LabelColumn, TestFraction, Seed, Trainer, CharNgrams, WordNgrams, MinDf, Lead, L2, Iterations];

        public ClassifierSettings Settings(ParseResult p)
        {
            var settings = new ClassifierSettings();
            return settings with
            {
                Trainer = p.GetValue(Trainer) ?? settings.Trainer,
                CharNgramLength = p.GetValue(CharNgrams) ?? settings.CharNgramLength,
                WordNgramLength = p.GetValue(WordNgrams) ?? settings.WordNgramLength,
                MinDocumentFrequency = p.GetValue(MinDf) ?? settings.MinDocumentFrequency,
                LeadLength = p.GetValue(Lead) ?? settings.LeadLength,
                L2 = p.GetValue(L2) ?? settings.L2,
                Iterations = p.GetValue(Iterations) ?? settings.Iterations,
            };
        }

        public List<(string Text, string Label)> Load(ParseResult p) =>
            LabelledCsv.Load(p.GetValue(Csv)!, p.GetValue(TextColumns), p.GetValue(LabelColumn));
    }

    private static Command BuildTrain(Option<string?> dataDir)
    {
        var o = CommonOptions.Create();
        var train = new Command("train", "Train on a stratified share of the CSV, print accuracy and macro-F1 on the held-out rest, then train on every row and save the model in <data-dir>/models/.");
        foreach (var option in o.All.Append(dataDir))
        {
            train.Add(option);
        }

        train.SetAction((p, ct) => RunAsync(p, async output =>
        {
            var rows = o.Load(p);
            var settings = o.Settings(p);
            var classifier = CreateClassifier(p.GetValue(dataDir));
            RequireClasses(rows);
            var (trainPart, testPart) = StratifiedSplit.Split(rows, r => r.Label, p.GetValue(o.TestFraction), p.GetValue(o.Seed));
            await output.WriteLineAsync(Describe(p.GetValue(o.Csv)!, rows, settings));
            if (testPart.Count > 0)
            {
                var (model, seconds) = Timed(() => classifier.Train(trainPart, settings, ct));
                var evaluation = ReportClassifier.Evaluate(model, testPart);
                await output.WriteLineAsync(Invariant($"training time: {seconds} ({trainPart.Count} examples)"));
                await output.WriteLineAsync(Invariant($"held-out {testPart.Count} examples: accuracy: {evaluation.Accuracy:0.0000}  macro-F1: {evaluation.MacroF1:0.0000}"));
            }

            var (final, finalSeconds) = Timed(() => classifier.Train(rows, settings, ct));
            var path = classifier.Save(final);
            await output.WriteLineAsync(Invariant($"final model: {rows.Count} examples in {finalSeconds}, saved to {path}"));
            return 0;
        }, ct));
        return train;
    }

    private static Command BuildEvaluate(Option<string?> dataDir)
    {
        var o = CommonOptions.Create();
        var saved = new Option<bool>("--saved-model") { Description = "Score the saved model on every row of the CSV instead of training on a stratified share and scoring the rest." };
        var evaluate = new Command("evaluate", "Train on a stratified 80 % of the CSV and print per-class precision/recall/F1, accuracy and macro-F1 on the other 20 %; nothing is saved.");
        foreach (var option in o.All.Append(saved).Append(dataDir))
        {
            evaluate.Add(option);
        }

        evaluate.SetAction((p, ct) => RunAsync(p, async output =>
        {
            var rows = o.Load(p);
            var classifier = CreateClassifier(p.GetValue(dataDir));
            ClassificationEvaluation evaluation;
            if (p.GetValue(saved))
            {
                var model = classifier.Current() ?? throw new ClassificationDataException($"no saved model at {classifier.ModelPath}; run 'civicgrid model train' first");
                await output.WriteLineAsync(Invariant($"model: {classifier.ModelPath} ({model.Manifest.Settings.Describe()}, {model.Manifest.ExampleCount} examples, trained {model.Manifest.TrainedAt:u})"));
                evaluation = ReportClassifier.Evaluate(model, rows);
            }
            else
            {
                var settings = o.Settings(p);
                RequireClasses(rows);
                var (trainPart, testPart) = StratifiedSplit.Split(rows, r => r.Label, p.GetValue(o.TestFraction), p.GetValue(o.Seed));
                if (testPart.Count == 0)
                {
                    throw new ClassificationDataException("the held-out split is empty: every class needs at least 2 examples");
                }

                await output.WriteLineAsync(Describe(p.GetValue(o.Csv)!, rows, settings));
                var (model, seconds) = Timed(() => classifier.Train(trainPart, settings, ct));
                await output.WriteLineAsync(Invariant($"training time: {seconds} ({trainPart.Count} examples); held out: {testPart.Count} examples (seed {p.GetValue(o.Seed)})"));
                evaluation = ReportClassifier.Evaluate(model, testPart);
            }

            await output.WriteLineAsync(evaluation.Format());
            return 0;
        }, ct));
        return evaluate;
    }

    private static ReportClassifier CreateClassifier(string? dataDir)
    {
        // The same DataDir as the server: appsettings.json beside the executable, then the environment, then --data-dir.
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var options = new ServerOptions();
        configuration.Bind(options);
        if (dataDir is not null)
        {
            options.DataDir = dataDir;
        }

        return new ReportClassifier(Options.Create(options), NullLogger<ReportClassifier>.Instance);
    }

    private static void RequireClasses(List<(string Text, string Label)> rows)
    {
        var classes = rows.Select(r => r.Label).Distinct(StringComparer.Ordinal).Count();
        if (classes < 2)
        {
            throw new ClassificationDataException(Invariant($"training needs at least 2 classes, the CSV has {classes}"));
        }
    }

    private static string Describe(string csv, List<(string Text, string Label)> rows, ClassifierSettings settings) =>
        Invariant($"data: {csv}: {rows.Count} examples, {rows.Select(r => r.Label).Distinct(StringComparer.Ordinal).Count()} classes; features and learner: {settings.Describe()}; machine: {Environment.ProcessorCount} logical CPUs");

    /// <summary>Runs <paramref name="action"/> and measures its wall-clock time and the CPU time the process spent meanwhile.</summary>
    private static (T Result, Duration Time) Timed<T>(Func<T> action)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var result = action();
        stopwatch.Stop();
        process.Refresh();
        return (result, new Duration(stopwatch.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds));
    }

    private readonly record struct Duration(double WallSeconds, double CpuSeconds)
    {
        public override string ToString() => Invariant($"{WallSeconds:0.0} s wall, {CpuSeconds:0.0} s CPU");
    }

    private static async Task<int> RunAsync(ParseResult parse, Func<TextWriter, Task<int>> action, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        try
        {
            return await action(output);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is ClassificationDataException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"civicgrid: {e.Message}");
            return 1;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
