using CivicGrid.Server.Features.Intake.Classification;

namespace CivicGrid.Server.Tests.Features.Intake.Classification;

public sealed class EvaluationAndSplitTests
{
    [Fact]
    public void Compute_MacroF1_IsTheMeanOfPerClassF1()
    {
        // a: 3 true, 3 predicted, 2 right: P=R=F1=2/3; b: P=1 R=1/2 F1=2/3; c: predicted once, never true: F1=0.
        var evaluation = ClassificationEvaluation.Compute([("a", "a"), ("a", "a"), ("b", "b"), ("b", "a"), ("a", "c")]);

        Assert.Equal(5, evaluation.Count);
        Assert.Equal(0.6, evaluation.Accuracy, 10);
        var a = evaluation.PerClass.Single(c => c.Label == "a");
        Assert.Equal((3, 3, 2), (a.Support, a.Predicted, a.Correct));
        Assert.Equal((2.0 / 3, 2.0 / 3), (a.Precision, a.Recall));
        Assert.Equal(["a", "b", "c"], evaluation.PerClass.Select(c => c.Label));
        Assert.Equal([2.0 / 3, 2.0 / 3, 0], evaluation.PerClass.Select(c => Math.Round(c.F1, 10)).ToArray(), (x, y) => Math.Abs(x - y) < 1e-9);
        Assert.Equal(4.0 / 9, evaluation.MacroF1, 10);
        Assert.EndsWith("macro-F1: " + evaluation.MacroF1.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), evaluation.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void Split_KeepsEveryClassShare_AndIsReproducible()
    {
        var rows = Enumerable.Range(0, 100).Select(i => (Id: i, Label: i < 70 ? "big" : i < 95 ? "mid" : "small")).ToList();

        var (train, test) = StratifiedSplit.Split(rows, r => r.Label, 0.2, seed: 7);
        var again = StratifiedSplit.Split(rows, r => r.Label, 0.2, seed: 7);
        var other = StratifiedSplit.Split(rows, r => r.Label, 0.2, seed: 8);

        Assert.Equal(14, test.Count(r => r.Label == "big"));
        Assert.Equal(5, test.Count(r => r.Label == "mid"));
        Assert.Equal(1, test.Count(r => r.Label == "small"));
        Assert.Equal(100, train.Count + test.Count);
        Assert.Empty(train.Intersect(test));
        Assert.Equal(test, again.Test);
        Assert.NotEqual(test, other.Test);
    }
}
