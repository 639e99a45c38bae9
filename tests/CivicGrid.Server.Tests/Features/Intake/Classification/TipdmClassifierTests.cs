using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Intake.Classification;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Tests.Features.Intake.Classification;

/// <summary>The acceptance figure of issue #3 item 7 on the real citizen messages (7 classes).</summary>
public sealed class TipdmClassifierTests(ITestOutputHelper output)
{
    [Fact]
    public void TrainAndEvaluate_StratifiedHeldOut20Percent_ReachesMacroF1OfAtLeast089()
    {
        var rows = LabelledCsv.Load(TipdmData.CsvPathOrSkip());
        var (train, test) = StratifiedSplit.Split(rows, r => r.Label, 0.2, StratifiedSplit.DefaultSeed);
        var classifier = new ReportClassifier(Options.Create(new ServerOptions { DataDir = Path.GetTempPath() }), NullLogger<ReportClassifier>.Instance);

        var model = classifier.Train(train, cancellationToken: TestContext.Current.CancellationToken);
        var evaluation = ReportClassifier.Evaluate(model, test);

        output.WriteLine(evaluation.Format());
        Assert.Equal(2967, rows.Count);
        Assert.Equal(7, model.Labels.Count);
        Assert.Equal(594, evaluation.Count);
        Assert.True(evaluation.MacroF1 >= 0.89, $"macro-F1 {evaluation.MacroF1:0.0000} < 0.89\n{evaluation.Format()}");
        Assert.All(evaluation.PerClass, c => Assert.True(c.F1 >= 0.75, $"{c.Label}: F1 {c.F1:0.0000}"));
    }
}
