using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Grids;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Intake.Classification;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Intake;

/// <summary>What a reporter is about to file: where (WGS-84), what kind, what they wrote.</summary>
public sealed record DuplicateQuery(double Longitude, double Latitude, string? CategoryCode, string? Description);

/// <summary>An open case that may be the same problem, ranked by <see cref="Score"/> (0–1).</summary>
public sealed record DuplicateCandidate(
    Guid CaseId, string CaseNumber, string CategoryCode, CaseStatus Status, string Description,
    double DistanceMetres, DateTimeOffset ReportedAt, double TextSimilarity, bool SameCategory, double Score);

/// <summary>
/// 重复案件: open cases of the same or a related category (same major class) reported within a
/// distance and a time window, ranked by text similarity, nearness and category. The database
/// does the prefilter (a bounding box on the position index, the category prefix and the report
/// time), the ranking runs here on at most <see cref="MaxCandidates"/> rows.
/// </summary>
public sealed class DuplicateFinder(CivicGridDbContext db, TimeProvider clock)
{
    /// <summary>How far apart two reports of one problem may be.</summary>
    public const double RadiusMetres = 300;

    /// <summary>How old a case may be to count.</summary>
    public static TimeSpan Window { get; } = TimeSpan.FromDays(30);

    public const int MaxCandidates = 200;

    private static readonly CaseStatus[] OpenStatuses =
        [CaseStatus.Reported, CaseStatus.Verifying, CaseStatus.Filed, CaseStatus.Dispatched, CaseStatus.Handling, CaseStatus.Suspended, CaseStatus.Checking];

    /// <summary>The best <paramref name="top"/> candidates, best first.</summary>
    public async Task<IReadOnlyList<DuplicateCandidate>> FindAsync(DuplicateQuery q, int top, CancellationToken ct)
    {
        var dLat = RadiusMetres / GeoMeasure.MetresPerDegree;
        var dLon = RadiusMetres / GeoMeasure.MetresPerDegreeLongitude(q.Latitude);
        var since = clock.GetUtcNow() - Window;
        var query = db.Cases.AsNoTracking()
            .Where(c => c.Longitude >= q.Longitude - dLon && c.Longitude <= q.Longitude + dLon
                && c.Latitude >= q.Latitude - dLat && c.Latitude <= q.Latitude + dLat
                && c.ReportedAt >= since
                && OpenStatuses.Contains(c.Status));
        if (q.CategoryCode is { Length: 5 } code)
        {
            var major = code[..2];
            query = query.Where(c => c.CategoryCode.StartsWith(major));
        }

        var rows = await query
            .OrderByDescending(c => c.ReportedAt)
            .Take(MaxCandidates)
            .Select(c => new { c.Id, c.Number, c.CategoryCode, c.Status, c.Description, c.Longitude, c.Latitude, c.ReportedAt })
            .ToListAsync(ct);
        var words = string.IsNullOrWhiteSpace(q.Description) ? null : TextSimilarity.Profile(q.Description);
        return
        [
            .. rows.Select(r =>
                {
                    var distance = GeoMeasure.DistanceMetres(q.Longitude, q.Latitude, r.Longitude, r.Latitude);
                    var text = words is null ? 0 : TextSimilarity.Cosine(words, TextSimilarity.Profile(r.Description));
                    var same = q.CategoryCode is not null && r.CategoryCode == q.CategoryCode;
                    var score = Score(distance, text, same);
                    return new DuplicateCandidate(r.Id, r.Number, r.CategoryCode, r.Status, r.Description, Math.Round(distance, 1), r.ReportedAt, Math.Round(text, 3), same, Math.Round(score, 3));
                })
                .Where(c => c.DistanceMetres <= RadiusMetres)
                .OrderByDescending(c => c.Score)
                .ThenBy(c => c.DistanceMetres)
                .Take(top),
        ];
    }

    /// <summary>Half text, three tenths nearness, two tenths category (half credit for a related one, or when none was chosen yet).</summary>
    internal static double Score(double distanceMetres, double textSimilarity, bool sameCategory) =>
        (0.5 * textSimilarity) + (0.3 * Math.Max(0, 1 - (distanceMetres / RadiusMetres))) + (0.2 * (sameCategory ? 1 : 0.5));
}

/// <summary>
/// Character n-gram similarity of two short texts (Chinese has no spaces, so characters and
/// character pairs stand in for words): cosine of the 1- and 2-gram count vectors after
/// normalisation, punctuation left out.
/// </summary>
public static class TextSimilarity
{
    /// <summary>The n-gram counts of a text.</summary>
    public static Dictionary<string, int> Profile(string text)
    {
        var clean = new string([.. ReportText.Normalize(text).Where(char.IsLetterOrDigit)]);
        var grams = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < clean.Length; i++)
        {
            Add(grams, clean.Substring(i, 1));
            if (i + 1 < clean.Length)
            {
                Add(grams, clean.Substring(i, 2));
            }
        }

        return grams;
    }

    /// <summary>Cosine similarity of two profiles, 0 (nothing shared) to 1 (the same n-grams).</summary>
    public static double Cosine(IReadOnlyDictionary<string, int> a, IReadOnlyDictionary<string, int> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        double dot = 0;
        foreach (var (gram, count) in small)
        {
            if (large.TryGetValue(gram, out var other))
            {
                dot += (double)count * other;
            }
        }

        return dot / (Norm(a) * Norm(b));
    }

    /// <summary>The similarity of two texts.</summary>
    public static double Of(string a, string b) => Cosine(Profile(a), Profile(b));

    private static double Norm(IReadOnlyDictionary<string, int> v) => Math.Sqrt(v.Values.Sum(c => (double)c * c));

    private static void Add(Dictionary<string, int> grams, string gram) =>
        grams[gram] = grams.TryGetValue(gram, out var n) ? n + 1 : 1;
}
