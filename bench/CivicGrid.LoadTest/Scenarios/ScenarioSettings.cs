using CivicGrid.LoadTest.Load;

namespace CivicGrid.LoadTest.Scenarios;

/// <summary>What every HTTP scenario needs: where, as whom, how hard, and where the report goes.</summary>
public sealed record ScenarioSettings(Uri Url, string User, string Password, LoadSettings Load, int Seed, string? Label, string? OutPath);
