using BenchmarkDotNet.Attributes;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Intake.Classification;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CivicGrid.Bench;

/// <summary>
/// Report classifier inference on the real TipDM 2020 messages: the model of <c>civicgrid model
/// evaluate</c> (default settings, trained on the stratified 80 %), scoring the held-out 20 %. One
/// suggestion request (top 3, one message through the prediction engine), and batch scoring. The CSV
/// is <c>$CIVICGRID_TIPDM_CSV</c>, else <c>../shared/data/tipdm2020-gov-messages/tipdm2020_messages_labelled.csv</c>
/// above the working folder.
/// </summary>
[MemoryDiagnoser]
public class ClassifierBenchmarks
{
    private const int Messages = 100;
    private ClassifierModel _model = null!;
    private string[] _texts = [];

    [GlobalSetup]
    public void Setup()
    {
        var rows = LabelledCsv.Load(TipdmCsv());
        var (train, test) = StratifiedSplit.Split(rows, r => r.Label);
        var classifier = new ReportClassifier(Options.Create(new ServerOptions { DataDir = Path.GetTempPath() }), NullLogger<ReportClassifier>.Instance);
        _model = classifier.Train(train);
        _texts = [.. test.Take(Messages).Select(r => r.Text)];
    }

    /// <summary>What the citizen page's suggestion and every routed report cost: one message, top 3.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int Predict_Top3()
    {
        var n = 0;
        foreach (var text in _texts)
        {
            n += _model.Predict(text, 3).Count;
        }

        return n;
    }

    /// <summary>Scoring many messages in one pass (evaluation, retraining checks).</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int PredictTopMany_Batch() => _model.PredictTopMany(_texts).Count;

    private static string TipdmCsv()
    {
        if (Environment.GetEnvironmentVariable("CIVICGRID_TIPDM_CSV") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "tipdm2020-gov-messages", "tipdm2020_messages_labelled.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Set CIVICGRID_TIPDM_CSV to the TipDM 2020 labelled CSV.");
    }
}
