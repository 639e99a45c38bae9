using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Intake.Classification;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Tests.Features.Intake.Classification;

/// <summary>The classifier on a tiny bilingual data set: training, prediction, evaluation, save/load, retraining.</summary>
public sealed class ReportClassifierTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "civicgrid-classifier-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private static readonly string[] AllLabels = [.. new[] { BilingualSamples.Garbage, BilingualSamples.Parking, BilingualSamples.Streetlight }.Order(StringComparer.Ordinal)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ReportClassifier NewClassifier() =>
        new(Options.Create(new ServerOptions { DataDir = _dataDir }), NullLogger<ReportClassifier>.Instance);

    [Theory]
    [MemberData(nameof(HeldOutSentences))]
    public void Predict_HeldOutChineseAndEnglishSentences_SuggestsTheirCategoryFirst(string text, string expected)
    {
        var model = NewClassifier().Train(BilingualSamples.Training, cancellationToken: Ct);

        var suggestions = model.Predict(text, top: 3);

        Assert.Equal(expected, suggestions[0].Label);
        Assert.Equal(3, suggestions.Count);
        Assert.True(suggestions[0].Probability > suggestions[1].Probability, $"{suggestions[0]} vs {suggestions[1]}");
        Assert.Equal(1f, suggestions.Sum(s => s.Probability), 3);
    }

    public static TheoryData<string, string> HeldOutSentences()
    {
        var data = new TheoryData<string, string>();
        foreach (var (text, label) in BilingualSamples.HeldOut)
        {
            data.Add(text, label);
        }

        return data;
    }

    [Fact]
    public void Predict_WithJiebaWordNgramsAndEveryLearner_SuggestsHeldOutCategories()
    {
        foreach (var trainer in Enum.GetValues<ClassifierTrainer>())
        {
            var settings = new ClassifierSettings { WordNgramLength = 2, Trainer = trainer };
            var model = NewClassifier().Train(BilingualSamples.Training, settings, Ct);

            var evaluation = ReportClassifier.Evaluate(model, BilingualSamples.HeldOut);

            Assert.True(evaluation.Accuracy >= 5.0 / 6, $"{settings}: {evaluation.Format()}");
        }
    }

    [Fact]
    public void Words_ChineseAndEnglish_AreSegmentedWithoutPunctuation()
    {
        var words = ReportText.Words(ReportText.Normalize("小区门口的路灯不亮了！ The STREETLIGHT is out."));

        var tokens = words.Split(' ');
        Assert.Contains("门口", tokens);
        Assert.Contains("小区", tokens);
        Assert.Equal(["the", "streetlight", "is", "out"], tokens[^4..]);
        Assert.All(tokens, t => Assert.True(t.Length > 0 && t.All(char.IsLetterOrDigit), $"'{t}' in '{words}'"));
    }

    [Fact]
    public void Normalize_FullWidthAndWhitespace_BecomeAsciiAndSingleSpaces()
    {
        Assert.Equal("a3区 路灯 abc", ReportText.Normalize("  Ａ３区\t\n路灯   ＡＢＣ "));
    }

    [Fact]
    public void Evaluate_HeldOutSentences_ReportsPerfectScoresPerClass()
    {
        var model = NewClassifier().Train(BilingualSamples.Training, cancellationToken: Ct);

        var evaluation = ReportClassifier.Evaluate(model, BilingualSamples.HeldOut);

        Assert.Equal(6, evaluation.Count);
        Assert.Equal(1.0, evaluation.Accuracy);
        Assert.Equal(1.0, evaluation.MacroF1);
        Assert.Equal(AllLabels, evaluation.PerClass.Select(c => c.Label));
        Assert.All(evaluation.PerClass, c => Assert.Equal(2, c.Support));
    }

    [Fact]
    public void Predict_TopK_IsLimitedToTheKnownClasses()
    {
        var model = NewClassifier().Train(BilingualSamples.Training, cancellationToken: Ct);

        Assert.Single(model.Predict("路灯不亮", top: 1));
        Assert.Equal(3, model.Predict("路灯不亮", top: 10).Count);
        Assert.Equal(AllLabels, model.Labels);
    }

    [Fact]
    public void Predict_WithoutAnyModel_SuggestsNothing()
    {
        var classifier = NewClassifier();

        Assert.Null(classifier.Current());
        Assert.Empty(classifier.Predict("路灯不亮"));
    }

    [Fact]
    public void Save_ThenLoadInAFreshService_PredictsTheSame()
    {
        var first = NewClassifier();
        var model = first.Train(BilingualSamples.Training, cancellationToken: Ct);

        var path = first.Save(model);
        var reloaded = NewClassifier().Current();

        Assert.Equal(Path.Combine(Path.GetFullPath(_dataDir), "models", ReportClassifier.ModelFileName), path);
        Assert.True(File.Exists(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
        Assert.NotNull(reloaded);
        Assert.Equal(model.Manifest.Settings, reloaded.Manifest.Settings);
        Assert.Equal(model.Labels, reloaded.Labels);
        Assert.Equal(BilingualSamples.Training.Count, reloaded.Manifest.ExampleCount);
        foreach (var (text, _) in BilingualSamples.HeldOut)
        {
            var before = model.Predict(text, 3);
            var after = reloaded.Predict(text, 3);
            Assert.Equal(before.Select(s => s.Label), after.Select(s => s.Label));
            Assert.All(before.Zip(after), p => Assert.Equal(p.First.Probability, p.Second.Probability, 4));
        }
    }

    [Fact]
    public void Load_AZipThatIsNotAClassifier_IsRefused()
    {
        Directory.CreateDirectory(_dataDir);
        var path = Path.Combine(_dataDir, "other.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            zip.CreateEntry("readme.txt");
        }

        var error = Assert.Throws<InvalidDataException>(() => ReportClassifier.Load(path));
        Assert.Contains("not a CivicGrid report classifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_WithOneClass_IsRefused()
    {
        var oneClass = BilingualSamples.Training.Where(e => e.Label == BilingualSamples.Garbage);

        var error = Assert.Throws<ClassificationDataException>(() => NewClassifier().Train(oneClass, cancellationToken: Ct));
        Assert.Contains("at least 2 classes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retrain_WithOperatorCorrections_LearnsTheCorrectedCategories()
    {
        const string Manhole = "井盖";
        var at = new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);
        var relabelled = BilingualSamples.Training[3].Text; // a garbage sentence an operator files differently
        ClassificationFeedback[] corrections =
        [
            new("人行道上的井盖丢失了，很危险", BilingualSamples.Garbage, Manhole, at),
            new("The manhole cover on the road is missing", BilingualSamples.Parking, Manhole, at),
            new("井盖破损下沉，车辆经过有响声", BilingualSamples.Streetlight, Manhole, at),
            new("A broken manhole cover is sinking in the street", BilingualSamples.Garbage, Manhole, at),
            new(relabelled, BilingualSamples.Garbage, BilingualSamples.Parking, at),
            new(relabelled, BilingualSamples.Garbage, BilingualSamples.Streetlight, at.AddMinutes(5)), // the later correction wins
        ];

        var model = NewClassifier().Retrain(BilingualSamples.Training, corrections, cancellationToken: Ct);

        Assert.Contains(Manhole, model.Labels);
        Assert.Equal(BilingualSamples.Training.Count + 4, model.Manifest.ExampleCount);
        Assert.Equal(Manhole, model.Predict("路口的井盖不见了", 1)[0].Label);
        Assert.Equal(Manhole, model.Predict("The manhole cover is gone", 1)[0].Label);
        Assert.Equal(BilingualSamples.Parking, model.Predict(BilingualSamples.HeldOut[3].Text, 1)[0].Label);
    }

    [Fact]
    public void MergeFeedback_LatestCorrectionOfATextReplacesItsBaseLabel_AndWeighsMore()
    {
        var at = new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);
        (string Text, string Label)[] baseData = [("路灯不亮", "路灯"), ("垃圾满了", "垃圾")];
        ClassificationFeedback[] corrections =
        [
            new("垃圾满了 ", "垃圾", "停车", at.AddMinutes(5)),
            new("垃圾满了", "垃圾", "环卫", at), // older: loses although it comes last
            new("井盖丢失", null, "井盖", at),
        ];

        var merged = ReportClassifier.MergeFeedback(baseData, corrections, 3f);

        Assert.Equal(
            [("路灯不亮", "路灯", 1f), ("井盖丢失", "井盖", 3f), ("垃圾满了 ", "停车", 3f)],
            merged.OrderBy(m => m.Weight).ThenBy(m => m.Label, StringComparer.Ordinal).ToArray());
    }
}
