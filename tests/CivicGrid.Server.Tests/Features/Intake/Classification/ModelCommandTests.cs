using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using CivicGrid.Server.Features.Intake.Classification;

namespace CivicGrid.Server.Tests.Features.Intake.Classification;

/// <summary><c>civicgrid model train|evaluate</c> run in-process: exit codes, stdout, and one stderr line on bad input.</summary>
public sealed partial class ModelCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "civicgrid-model-cli-" + Guid.NewGuid().ToString("N"));

    public ModelCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string DataDir => Path.Combine(_dir, "data");

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var root = new RootCommand("test");
        root.Add(ModelCommands.Build(new Option<string?>("--data-dir")));
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(["model", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    private string WriteCsv(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content, new UTF8Encoding(true));
        return path;
    }

    private string WriteSamples(string name = "samples.csv")
    {
        var csv = new StringBuilder("id,text,label\n");
        var i = 0;
        foreach (var (text, label) in BilingualSamples.Training.Concat(BilingualSamples.HeldOut))
        {
            csv.Append(++i).Append(",\"").Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\",").Append(label).Append('\n');
        }

        return WriteCsv(name, csv.ToString());
    }

    [GeneratedRegex(@"^macro-F1: [01]\.\d{4}$", RegexOptions.Multiline)]
    private static partial Regex MacroF1Line();

    [Fact]
    public async Task Train_SmallBilingualCsv_SavesTheModelAndPrintsHeldOutFigures()
    {
        var (exit, output, error) = await RunAsync("train", "--csv", WriteSamples(), "--data-dir", DataDir);

        Assert.True(exit == 0, error);
        Assert.Empty(error);
        Assert.Matches(@"held-out 6 examples: accuracy: [01]\.\d{4}  macro-F1: [01]\.\d{4}", output);
        Assert.Matches(@"training time: \d+\.\d s wall, \d+\.\d s CPU \(30 examples\)", output);
        Assert.True(File.Exists(Path.Combine(DataDir, "models", ReportClassifier.ModelFileName)));
        Assert.Equal(36, ReportClassifier.Load(Path.Combine(DataDir, "models", ReportClassifier.ModelFileName)).Manifest.ExampleCount);
    }

    [Fact]
    public async Task Evaluate_SmallBilingualCsv_PrintsPerClassFiguresAndTheMacroF1Line()
    {
        var (exit, output, error) = await RunAsync("evaluate", "--csv", WriteSamples(), "--text-column", "text", "--label-column", "label", "--data-dir", DataDir);

        Assert.True(exit == 0, error);
        Assert.Matches(MacroF1Line(), output);
        Assert.Contains(BilingualSamples.Streetlight, output, StringComparison.Ordinal);
        Assert.Matches(@"precision\s+recall\s+F1\s+support", output);
        Assert.False(Directory.Exists(Path.Combine(DataDir, "models")), "evaluate saves nothing");
    }

    [Fact]
    public async Task EvaluateSavedModel_ScoresTheTrainedModelOnTheWholeCsv()
    {
        var csv = WriteSamples();
        Assert.Equal(0, (await RunAsync("train", "--csv", csv, "--data-dir", DataDir)).Exit);

        var (exit, output, error) = await RunAsync("evaluate", "--csv", csv, "--saved-model", "--data-dir", DataDir);

        Assert.True(exit == 0, error);
        Assert.Contains("examples: 36", output, StringComparison.Ordinal);
        Assert.Matches(MacroF1Line(), output);
    }

    public static TheoryData<string, string, string> BadInputs() => new()
    {
        { "missing.csv", "<none>", "does not exist" },
        { "empty.csv", "", "is empty" },
        { "header-only.csv", "text,label\n", "has no rows" },
        { "no-label.csv", "text,kind\nlamp out,streetlight\n", "has no label column" },
        { "no-text.csv", "words,label\nlamp out,streetlight\n", "has no text column" },
        { "one-class.csv", "text,label\nlamp out,streetlight\nlamp broken,streetlight\n", "at least 2 classes" },
        { "bad-quote.csv", "text,label\n\"lamp out,streetlight\n", "not valid CSV" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task TrainOrEvaluate_BadCsv_PrintsOneErrorLineAndExits1(string name, string content, string message)
    {
        var path = content == "<none>" ? Path.Combine(_dir, name) : WriteCsv(name, content);

        foreach (var command in new[] { "train", "evaluate" })
        {
            var (exit, output, error) = await RunAsync(command, "--csv", path, "--data-dir", DataDir);

            Assert.Equal(1, exit);
            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines);
            Assert.StartsWith("civicgrid: ", line, StringComparison.Ordinal);
            Assert.Contains(message, line, StringComparison.Ordinal);
            Assert.DoesNotContain("macro-F1", output, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(DataDir, "models")), "nothing is saved on bad input");
    }

    [Fact]
    public async Task Train_NamedColumnMissing_NamesTheColumn()
    {
        var (exit, _, error) = await RunAsync("train", "--csv", WriteSamples(), "--text-column", "body", "--data-dir", DataDir);

        Assert.Equal(1, exit);
        Assert.Contains("no text column 'body'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateSavedModel_WithoutAModel_SaysSo()
    {
        var (exit, _, error) = await RunAsync("evaluate", "--csv", WriteSamples(), "--saved-model", "--data-dir", DataDir);

        Assert.Equal(1, exit);
        Assert.Contains("no saved model", error, StringComparison.Ordinal);
    }
}
