using System.Text;
using CivicGrid.Domain.Grids;

namespace CivicGrid.Domain.Geography;

/// <summary>What a gazetteer entry names.</summary>
public enum GazetteerKind
{
    /// <summary>街道.</summary>
    Street,
    /// <summary>社区.</summary>
    Community,
    /// <summary>A road or lane.</summary>
    Road,
    /// <summary>A named place: a station, a park, a building.</summary>
    Landmark,
    /// <summary>A managed component (部件), found by its 17-digit id or its name.</summary>
    Component,
}

/// <summary>How a name matched a query, worst to best (the first ranking key).</summary>
public enum GazetteerMatchKind
{
    /// <summary>Shares enough character pairs (bigram Dice coefficient).</summary>
    Similar,
    /// <summary>The name contains the query, or the query contains the name.</summary>
    Contains,
    /// <summary>The name starts with the query.</summary>
    Prefix,
    /// <summary>The name is the query (after normalisation).</summary>
    Exact,
}

/// <summary>
/// One named place: its code or id, names, aliases and WGS-84 position; roads may carry their
/// centre line. <paramref name="Detail"/> is free text for callers (a landmark's kind, a component's category).
/// </summary>
public sealed record GazetteerEntry(
    string Id, GazetteerKind Kind, string NameZh, string NameEn, IReadOnlyList<string> Aliases,
    double Longitude, double Latitude, string? Detail = null, IReadOnlyList<LonLat>? Path = null);

/// <summary>An entry that matched, with how, how well (0–1 within its kind of match) and on which name.</summary>
public sealed record GazetteerMatch(GazetteerEntry Entry, GazetteerMatchKind Match, double Score, string MatchedName);

/// <summary>An entry near a position, with the distance to it (to its line for roads).</summary>
public sealed record GazetteerNearby(GazetteerEntry Entry, double DistanceMetres);

/// <summary>
/// Normalisation shared by the index and the queries: Unicode NFKC (full-width letters, digits and
/// spaces become half-width), lower case, and only letters and digits kept (whitespace and
/// punctuation such as "·", "（", "-" dropped), so "王府井 大街", "王府井大街" and "ＷＡＮＧＦＵＪＩＮＧ" meet.
/// </summary>
public static class GazetteerText
{
    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var folded = text.Normalize(NormalizationForm.FormKC);
        var sb = new StringBuilder(folded.Length);
        foreach (var ch in folded)
        {
            if (char.IsLetterOrDigit(ch))
            {
                sb.Append(char.ToLowerInvariant(ch));
            }
        }

        return sb.ToString();
    }

    /// <summary>The distinct character pairs of a normalised text (the single character when it has one).</summary>
    public static HashSet<string> Bigrams(string normalized)
    {
        var grams = new HashSet<string>(StringComparer.Ordinal);
        if (normalized.Length == 1)
        {
            grams.Add(normalized);
        }

        for (var i = 0; i + 1 < normalized.Length; i++)
        {
            grams.Add(normalized.Substring(i, 2));
        }

        return grams;
    }
}

/// <summary>
/// The district's gazetteer in memory: forward search by name (Chinese or English, no pinyin
/// needed) and nearest places for reverse geocoding. Names are normalised once and indexed by
/// character pairs, so a query scores only the names it shares a pair with; entries with the same
/// name (thousands of "路灯") share one key. Numeric codes (component ids, street and community
/// codes) are found by prefix in a sorted list. Immutable: build a new one when the city model changes.
/// </summary>
public sealed class GazetteerIndex
{
    /// <summary>Below this bigram Dice coefficient a name is not "similar".</summary>
    public const double SimilarityThreshold = 0.4;

    /// <summary>The shortest numeric query searched as a code prefix.</summary>
    public const int MinCodePrefix = 4;

    private readonly GazetteerEntry[] _entries;
    private readonly Key[] _keys;
    private readonly Dictionary<string, int> _keyByText;
    private readonly Dictionary<string, int[]> _postings;
    private readonly (string Code, int Entry)[] _codes;
    private readonly int[] _places;
    private readonly Comparison<KeyEntry> _order;

    public GazetteerIndex(IEnumerable<GazetteerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = [.. entries];
        _keyByText = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new List<(string Text, List<(int Entry, bool Primary, string Name)> Names)>();
        for (var i = 0; i < _entries.Length; i++)
        {
            var e = _entries[i];
            AddName(i, e.NameZh, primary: true);
            AddName(i, e.NameEn, primary: true);
            foreach (var alias in e.Aliases)
            {
                AddName(i, alias, primary: false);
            }
        }

        // Ties: named places before components, a primary name before an alias, then by kind and id.
        var all = _entries;
        _order = (x, y) =>
        {
            var ex = all[x.Entry];
            var ey = all[y.Entry];
            var c = (ex.Kind == GazetteerKind.Component).CompareTo(ey.Kind == GazetteerKind.Component);
            c = c != 0 ? c : y.Primary.CompareTo(x.Primary);
            c = c != 0 ? c : ex.Kind.CompareTo(ey.Kind);
            return c != 0 ? c : string.CompareOrdinal(ex.Id, ey.Id);
        };
        _keys =
        [
            .. keys.Select(k =>
            {
                KeyEntry[] sorted = [.. k.Names.Select(n => new KeyEntry(n.Entry, n.Primary, n.Name))];
                Array.Sort(sorted, _order);
                return new Key(k.Text, GazetteerText.Bigrams(k.Text).Count, sorted);
            }),
        ];
        var postings = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var k = 0; k < _keys.Length; k++)
        {
            foreach (var gram in GazetteerText.Bigrams(_keys[k].Text))
            {
                if (!postings.TryGetValue(gram, out var list))
                {
                    postings[gram] = list = [];
                }

                list.Add(k);
            }
        }

        _postings = postings.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        _codes = [.. _entries.Select((e, i) => (Code: e.Id, Entry: i)).Where(c => c.Code.Length >= MinCodePrefix && c.Code.All(char.IsAsciiDigit)).OrderBy(c => c.Code, StringComparer.Ordinal)];
        _places = [.. Enumerable.Range(0, _entries.Length).Where(i => _entries[i].Kind is GazetteerKind.Road or GazetteerKind.Landmark)];

        void AddName(int entry, string? name, bool primary)
        {
            var text = GazetteerText.Normalize(name);
            if (text.Length == 0)
            {
                return;
            }

            if (!_keyByText.TryGetValue(text, out var k))
            {
                _keyByText[text] = k = keys.Count;
                keys.Add((text, []));
            }

            if (!keys[k].Names.Any(n => n.Entry == entry))
            {
                keys[k].Names.Add((entry, primary, name!.Trim()));
            }
        }
    }

    /// <summary>How many entries the index holds.</summary>
    public int Count => _entries.Length;

    /// <summary>How many entries of each kind.</summary>
    public IReadOnlyDictionary<GazetteerKind, int> CountByKind() =>
        _entries.GroupBy(e => e.Kind).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>
    /// The best <paramref name="limit"/> entries for a query, best first: exact before prefix before
    /// contains before similar; within each, the closer match, then streets, communities, roads and
    /// landmarks before components, then the primary name before an alias. Empty for an empty query.
    /// </summary>
    public IReadOnlyList<GazetteerMatch> Search(string query, int limit)
    {
        var q = GazetteerText.Normalize(query);
        if (q.Length == 0 || limit <= 0)
        {
            return [];
        }

        var scored = new List<(int Key, GazetteerMatchKind Match, double Score)>();
        var shared = new Dictionary<int, int>();
        var grams = GazetteerText.Bigrams(q);
        foreach (var gram in grams)
        {
            if (_postings.TryGetValue(gram, out var keys))
            {
                foreach (var k in keys)
                {
                    shared[k] = shared.GetValueOrDefault(k) + 1;
                }
            }
        }

        if (q.Length == 1)
        {
            // One character: every name containing it (no pair to look up).
            for (var k = 0; k < _keys.Length; k++)
            {
                if (_keys[k].Text.Contains(q[0], StringComparison.Ordinal))
                {
                    shared.TryAdd(k, 1);
                }
            }
        }

        foreach (var (k, common) in shared)
        {
            var text = _keys[k].Text;
            if (string.Equals(text, q, StringComparison.Ordinal))
            {
                scored.Add((k, GazetteerMatchKind.Exact, 1));
            }
            else if (text.StartsWith(q, StringComparison.Ordinal))
            {
                scored.Add((k, GazetteerMatchKind.Prefix, (double)q.Length / text.Length));
            }
            else if (text.Contains(q, StringComparison.Ordinal))
            {
                scored.Add((k, GazetteerMatchKind.Contains, (double)q.Length / text.Length));
            }
            else
            {
                var dice = 2.0 * common / (grams.Count + _keys[k].GramCount);
                if (text.Length >= 2 && q.Contains(text, StringComparison.Ordinal))
                {
                    // The caller said more than the name ("王府井大街百货大楼门口"): a name that covers half
                    // the query or more is "contains"; a short one inside a long query only "similar".
                    var coverage = (double)text.Length / q.Length;
                    if (coverage >= 0.5)
                    {
                        scored.Add((k, GazetteerMatchKind.Contains, 0.9 * coverage));
                        continue;
                    }

                    dice = Math.Max(dice, coverage);
                }

                if (dice >= SimilarityThreshold)
                {
                    scored.Add((k, GazetteerMatchKind.Similar, dice));
                }
            }
        }

        // Rank keys by match and score; a key's entries are sorted once, at build time, by the same
        // tie-breakers used here, so each group of equally good keys needs at most `limit` entries
        // from each of its keys (thousands of "路灯" cost no more than ten).
        var candidates = scored
            .Select(s => (s.Match, s.Score, Entries: (IReadOnlyList<KeyEntry>)_keys[s.Key].Entries))
            .Concat(CodeMatches(q, limit))
            .OrderByDescending(x => x.Match)
            .ThenByDescending(x => x.Score)
            .ToList();
        var seen = new HashSet<int>();
        var result = new List<GazetteerMatch>(Math.Min(limit, 64));
        for (var i = 0; i < candidates.Count && result.Count < limit;)
        {
            var (match, score, _) = candidates[i];
            var group = new List<KeyEntry>();
            for (; i < candidates.Count && candidates[i].Match == match && candidates[i].Score == score; i++)
            {
                group.AddRange(candidates[i].Entries.Take(limit));
            }

            group.Sort(_order);
            foreach (var e in group)
            {
                if (result.Count < limit && seen.Add(e.Entry))
                {
                    result.Add(new GazetteerMatch(_entries[e.Entry], match, Math.Round(score, 4), e.Name));
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Roads and landmarks within <paramref name="maxMetres"/> of a WGS-84 position, nearest first
    /// (a road's distance is to its centre line when it has one).
    /// </summary>
    public IReadOnlyList<GazetteerNearby> Nearby(double longitude, double latitude, GazetteerKind kind, double maxMetres, int limit)
    {
        var found = new List<GazetteerNearby>();
        foreach (var i in _places)
        {
            var e = _entries[i];
            if (e.Kind != kind)
            {
                continue;
            }

            var d = e.Path is { Count: >= 2 } path
                ? DistanceToPathMetres(longitude, latitude, path)
                : DistanceMetres(longitude, latitude, e.Longitude, e.Latitude);
            if (d <= maxMetres)
            {
                found.Add(new GazetteerNearby(e, Math.Round(d, 1)));
            }
        }

        return [.. found.OrderBy(n => n.DistanceMetres).ThenBy(n => n.Entry.Id, StringComparer.Ordinal).Take(limit)];
    }

    /// <summary>Equirectangular distance in metres: exact enough within a district.</summary>
    public static double DistanceMetres(double lon1, double lat1, double lon2, double lat2)
    {
        var dx = (lon2 - lon1) * GeoMeasure.MetresPerDegreeLongitude((lat1 + lat2) / 2);
        var dy = (lat2 - lat1) * GeoMeasure.MetresPerDegree;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    private static double DistanceToPathMetres(double lon, double lat, IReadOnlyList<LonLat> path)
    {
        // Project to local metres around the point, then point-to-segment distance.
        var kx = GeoMeasure.MetresPerDegreeLongitude(lat);
        const double ky = GeoMeasure.MetresPerDegree;
        var best = double.MaxValue;
        for (var i = 0; i + 1 < path.Count; i++)
        {
            var ax = (path[i].Longitude - lon) * kx;
            var ay = (path[i].Latitude - lat) * ky;
            var bx = (path[i + 1].Longitude - lon) * kx;
            var by = (path[i + 1].Latitude - lat) * ky;
            var dx = bx - ax;
            var dy = by - ay;
            var len = (dx * dx) + (dy * dy);
            var t = len == 0 ? 0 : Math.Clamp(-((ax * dx) + (ay * dy)) / len, 0, 1);
            var px = ax + (t * dx);
            var py = ay + (t * dy);
            best = Math.Min(best, Math.Sqrt((px * px) + (py * py)));
        }

        return best;
    }

    private IEnumerable<(GazetteerMatchKind Match, double Score, IReadOnlyList<KeyEntry> Entries)> CodeMatches(string q, int limit)
    {
        if (q.Length < MinCodePrefix || !q.All(char.IsAsciiDigit))
        {
            yield break;
        }

        var lo = 0;
        var hi = _codes.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (string.CompareOrdinal(_codes[mid].Code, q) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (var i = lo; i < _codes.Length && i - lo < limit && _codes[i].Code.StartsWith(q, StringComparison.Ordinal); i++)
        {
            var (code, entry) = _codes[i];
            var exact = code.Length == q.Length;
            yield return (exact ? GazetteerMatchKind.Exact : GazetteerMatchKind.Prefix, exact ? 1 : (double)q.Length / code.Length, [new KeyEntry(entry, true, code)]);
        }
    }

    private sealed record Key(string Text, int GramCount, KeyEntry[] Entries);

    private readonly record struct KeyEntry(int Entry, bool Primary, string Name);
}
