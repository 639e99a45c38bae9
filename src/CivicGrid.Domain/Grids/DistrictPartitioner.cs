using System.Globalization;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Polygonize;
using NetTopologySuite.Precision;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// Divides a district into streets, communities and ~100 m × 100 m unit grids (万米单元网格) coded per the standard
/// (6 admin + 3 street + 3 community + 3 sequence). Pure and deterministic: the same inputs and seed give the same
/// codes and the same coordinates.
/// </summary>
/// <remarks>
/// <para>
/// The street and community partition is <b>simulated</b>: real street and community boundaries are not
/// available. Each street gets the Voronoi cell of a seed point, clipped to the district; seed points start at
/// seeded random positions and are spread by Lloyd relaxation, so streets have similar areas. Each street is split
/// into 4–8 communities the same way. Street codes are handed out north→south (then west→east) by seed point, which
/// roughly matches Dongcheng, where 001–010 lie in the north and 011–017 in the south. A Voronoi cell clipped to a
/// concave outline can fall apart; stray parts join the neighbour that shares the longest border with them, so every
/// street and community is one <see cref="Polygon"/> (when the district is one).
/// </para>
/// <para>
/// Unit grids come from one lattice over the whole district (row 0 in the north, column 0 in the west), so grids of
/// neighbouring communities line up. Street borders, community borders and lattice lines are noded together into one
/// planar arrangement; its faces each lie in one street, one community and one cell, and neighbouring faces share
/// identical edges, so grids, communities and streets tile the district without gaps or overlaps and a grid never
/// straddles a community boundary. The faces of one community in one cell form a grid; a cell cut by a community
/// into separate parts gives one grid per part, so every grid is a single <see cref="Polygon"/>. A grid smaller than
/// <see cref="DistrictPartitionOptions.MinGridAreaFraction"/> of a cell (default 40 %) is merged into the grid of
/// the same community that shares the longest border with it; nothing is dropped. Grids are numbered per community
/// by lattice row (north→south), then column (west→east), 001…999; more than 999 grids in a community is an error.
/// Community and street outlines are the unions of their grids.
/// </para>
/// <para>
/// Geometry is in lon/lat degrees, snap-rounded to 1e-7° (about 1 cm) so that neighbours share exact coordinates,
/// and labelled SRID 4326 (the demo outline's datum is probably GCJ-02). Metres are converted at the district's mid
/// latitude: 1° latitude ≈ 111,320 m, 1° longitude ≈ 111,320 m × cos(latitude). Determinism relies on seeded
/// <see cref="Random"/> (stable across .NET versions) and on <see cref="Math.Cos"/>, which could in principle differ
/// in the last bit between CPU architectures.
/// </para>
/// </remarks>
public static class DistrictPartitioner
{
    /// <summary>Partitions <paramref name="boundary"/> (a lon/lat Polygon or MultiPolygon) into streets, communities and grids.</summary>
    /// <param name="boundary">The district outline in lon/lat degrees.</param>
    /// <param name="district">The district's administrative division code; every street code must start with it.</param>
    /// <param name="streets">The district's streets (1–999, unique codes).</param>
    /// <param name="options">Seed, cell size and community counts; <see cref="DistrictPartitionOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">An input is invalid.</exception>
    /// <exception cref="InvalidOperationException">The partition cannot be coded, e.g. a community would hold more than 999 grids.</exception>
    public static DistrictPartition Partition(
        Geometry boundary,
        AdminDivisionCode district,
        IReadOnlyList<StreetDefinition> streets,
        DistrictPartitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(boundary);
        ArgumentNullException.ThrowIfNull(district);
        ArgumentNullException.ThrowIfNull(streets);
        options ??= DistrictPartitionOptions.Default;
        options.Validate();
        var orderedStreets = ValidateStreets(district, streets);
        var area = PrepareBoundary(boundary);

        var envelope = area.EnvelopeInternal;
        var referenceLatitude = (envelope.MinY + envelope.MaxY) / 2;
        var longitudeScale = Math.Cos(referenceLatitude * Math.PI / 180);

        // 1. Streets: Voronoi cells of relaxed seed points, clipped to the district.
        var streetParts = VoronoiSplitter.Split(
            area, orderedStreets.Count, new Random(DeriveSeed(options.Seed, 0)), options.RelaxationIterations, longitudeScale);

        // 2. Communities: seed points per street; their Voronoi edges, clipped to the street, divide it.
        var communitySites = new IReadOnlyList<Coordinate>[orderedStreets.Count];
        var linework = new List<Geometry>();
        for (var s = 0; s < orderedStreets.Count; s++)
        {
            var region = streetParts[s].Region;
            var streetNumber = int.Parse(orderedStreets[s].Code.Value, NumberStyles.None, CultureInfo.InvariantCulture);
            var random = new Random(DeriveSeed(options.Seed, streetNumber));
            var count = random.Next(options.MinCommunitiesPerStreet, options.MaxCommunitiesPerStreet + 1);
            communitySites[s] = VoronoiSplitter.Relax(region, count, random, options.RelaxationIterations, longitudeScale);
            linework.Add(region.Boundary);
            linework.Add(Overlay.Clip(VoronoiSplitter.Edges(region.EnvelopeInternal, communitySites[s], longitudeScale), region));
        }

        // 3. One arrangement of street borders, community borders and lattice lines, noded together, so that every
        //    face lies in one street, one community and one cell, and neighbours share identical edges.
        var lattice = CreateLattice(envelope, options.CellSizeMetres, longitudeScale);
        linework.AddRange(LatticeLines(lattice, area));
        var faces = LabelFaces(Polygonize(Overlay.Node(linework)), streetParts, communitySites, lattice, longitudeScale);
        MakeCommunitiesContiguous(faces);

        // 4. Grids per community; community and street outlines are the unions of their grids.
        var streetAreas = new List<StreetArea>(orderedStreets.Count);
        var communityAreas = new List<CommunityArea>();
        var grids = new List<UnitGrid>();
        var facesByCommunity = faces.ToLookup(f => (f.Street, f.Community));
        for (var s = 0; s < orderedStreets.Count; s++)
        {
            var street = orderedStreets[s];
            var communityGeometries = new List<Polygon>();
            for (var c = 0; c < communitySites[s].Count; c++)
            {
                var number = c + 1;
                var code = CommunityCode.Create(street.Code, number);
                var name = $"{street.ShortName}第{ChineseNumeral(number)}社区";
                var communityFaces = facesByCommunity[(s, c)].ToList();
                if (communityFaces.Count == 0)
                {
                    throw new InvalidOperationException(
                        $"Community {code} ({name}) received no area; try another seed or fewer communities per street.");
                }

                var communityGrids = CutGrids(code, street.Code, name, communityFaces, lattice, options.MinGridAreaFraction);
                grids.AddRange(communityGrids);
                var outline = Overlay.UnionAll([.. communityGrids.Select(g => g.Geometry)]);
                communityGeometries.AddRange(outline);
                var geometry = Overlay.Combine(outline);
                communityAreas.Add(new CommunityArea(
                    code,
                    street.Code,
                    name,
                    string.Create(CultureInfo.InvariantCulture, $"{street.EnglishName} Community {number}"),
                    geometry,
                    GeoMeasure.AreaSquareMetres(geometry)));
            }

            var streetGeometry = Overlay.Combine(Overlay.UnionAll(communityGeometries));
            streetAreas.Add(new StreetArea(street.Code, street.Name, street.EnglishName, streetGeometry, GeoMeasure.AreaSquareMetres(streetGeometry)));
        }

        return new DistrictPartition(
            district,
            area,
            GeoMeasure.AreaSquareMetres(area),
            lattice,
            options.Seed,
            streetAreas,
            communityAreas,
            grids);
    }

    private static List<StreetDefinition> ValidateStreets(AdminDivisionCode district, IReadOnlyList<StreetDefinition> streets)
    {
        if (streets.Count is 0 or > 999)
        {
            throw new ArgumentException($"A district needs 1–999 streets; got {streets.Count}.", nameof(streets));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var street in streets)
        {
            ArgumentNullException.ThrowIfNull(street, nameof(streets));
            if (street.Code.AdminDivisionCode != district)
            {
                throw new ArgumentException(
                    $"Street {street.Code} ({street.Name}) does not belong to district {district}.", nameof(streets));
            }

            if (!seen.Add(street.Code.Value))
            {
                throw new ArgumentException($"Street code {street.Code} appears more than once.", nameof(streets));
            }
        }

        return [.. streets.OrderBy(s => s.Code.Value, StringComparer.Ordinal)];
    }

    /// <summary>Snaps the outline to the working precision and repairs it (the demo outline has a zero-width spike).</summary>
    private static Geometry PrepareBoundary(Geometry boundary)
    {
        if (boundary is not (Polygon or MultiPolygon) || boundary.IsEmpty)
        {
            throw new ArgumentException(
                $"The district boundary must be a non-empty Polygon or MultiPolygon; got {boundary.GeometryType}.", nameof(boundary));
        }

        var envelope = boundary.EnvelopeInternal;
        if (envelope.MinX < -180 || envelope.MaxX > 180 || envelope.MinY < -85 || envelope.MaxY > 85)
        {
            throw new ArgumentException(
                "The district boundary must be in lon/lat degrees (longitude −180…180, latitude −85…85).", nameof(boundary));
        }

        var reduced = GeometryPrecisionReducer.Reduce(GeometryFixer.Fix(boundary), Overlay.Precision);
        var polygons = Overlay.Polygons(reduced);
        if (polygons.Count == 0)
        {
            throw new ArgumentException("The district boundary has no area.", nameof(boundary));
        }

        return Overlay.Combine([.. polygons.Select(p => (Polygon)Overlay.Factory.CreateGeometry(p))]);
    }

    private static GridLattice CreateLattice(Envelope envelope, double cellSizeMetres, double longitudeScale)
    {
        var height = cellSizeMetres / GeoMeasure.MetresPerDegree;
        var width = cellSizeMetres / (GeoMeasure.MetresPerDegree * longitudeScale);
        return new GridLattice(
            envelope.MinX,
            envelope.MaxY,
            width,
            height,
            Math.Max(1, (int)Math.Ceiling(envelope.Height / height)),
            Math.Max(1, (int)Math.Ceiling(envelope.Width / width)),
            cellSizeMetres);
    }

    /// <summary>
    /// The lattice lines, each cut to the stretch where the district lies within one cell of it (plus one cell), so
    /// that the arrangement does not fill the district's bounding box with faces that are thrown away.
    /// </summary>
    private static IEnumerable<Geometry> LatticeLines(GridLattice lattice, Geometry area)
    {
        var segments = new List<(Coordinate A, Coordinate B)>();
        foreach (var ring in Overlay.Polygons(area).SelectMany(p => new[] { p.Shell }.Concat(p.Holes)))
        {
            var coordinates = ring.Coordinates;
            for (var i = 1; i < coordinates.Length; i++)
            {
                segments.Add((coordinates[i - 1], coordinates[i]));
            }
        }

        for (var row = 0; row <= lattice.Rows; row++)
        {
            var y = LatticeY(lattice, row);
            if (Extent(segments, y - lattice.CellHeightDegrees, y + lattice.CellHeightDegrees, horizontal: true) is (var from, var to))
            {
                var west = LatticeX(lattice, Math.Max(0, (int)Math.Floor((from - lattice.OriginLongitude) / lattice.CellWidthDegrees) - 1));
                var east = LatticeX(lattice, Math.Min(lattice.Columns, (int)Math.Ceiling((to - lattice.OriginLongitude) / lattice.CellWidthDegrees) + 1));
                yield return Overlay.Factory.CreateLineString([new Coordinate(west, y), new Coordinate(east, y)]);
            }
        }

        for (var column = 0; column <= lattice.Columns; column++)
        {
            var x = LatticeX(lattice, column);
            if (Extent(segments, x - lattice.CellWidthDegrees, x + lattice.CellWidthDegrees, horizontal: false) is (var from, var to))
            {
                var north = LatticeY(lattice, Math.Max(0, (int)Math.Floor((lattice.OriginLatitude - to) / lattice.CellHeightDegrees) - 1));
                var south = LatticeY(lattice, Math.Min(lattice.Rows, (int)Math.Ceiling((lattice.OriginLatitude - from) / lattice.CellHeightDegrees) + 1));
                yield return Overlay.Factory.CreateLineString([new Coordinate(x, north), new Coordinate(x, south)]);
            }
        }
    }

    /// <summary>
    /// The range of x (for a horizontal band of y in [<paramref name="low"/>, <paramref name="high"/>]) or of y (for a
    /// vertical band of x) that the outline's segments cover inside the band; null when no segment enters it.
    /// </summary>
    private static (double From, double To)? Extent(List<(Coordinate A, Coordinate B)> segments, double low, double high, bool horizontal)
    {
        double Across(Coordinate c) => horizontal ? c.Y : c.X;
        double Along(Coordinate c) => horizontal ? c.X : c.Y;

        var from = double.MaxValue;
        var to = double.MinValue;
        foreach (var (a, b) in segments)
        {
            var (a0, a1) = (Across(a), Across(b));
            if (Math.Max(a0, a1) < low || Math.Min(a0, a1) > high)
            {
                continue;
            }

            // The part of the segment inside the band, as fractions t of the way from a to b.
            var (t0, t1) = (0.0, 1.0);
            if (a0 != a1)
            {
                var (tLow, tHigh) = ((low - a0) / (a1 - a0), (high - a0) / (a1 - a0));
                (t0, t1) = (Math.Max(0, Math.Min(tLow, tHigh)), Math.Min(1, Math.Max(tLow, tHigh)));
            }

            foreach (var t in new[] { t0, t1 })
            {
                var along = Along(a) + (t * (Along(b) - Along(a)));
                from = Math.Min(from, along);
                to = Math.Max(to, along);
            }
        }

        return from <= to ? (from, to) : null;
    }

    private static double LatticeX(GridLattice lattice, int column) =>
        Overlay.Precision.MakePrecise(lattice.OriginLongitude + (column * lattice.CellWidthDegrees));

    private static double LatticeY(GridLattice lattice, int row) =>
        Overlay.Precision.MakePrecise(lattice.OriginLatitude - (row * lattice.CellHeightDegrees));

    private static List<Polygon> Polygonize(Geometry nodedLines)
    {
        var polygonizer = new Polygonizer { IsCheckingRingsValid = false };
        polygonizer.Add(nodedLines);
        return [.. polygonizer.GetPolygons().Cast<Polygon>()];
    }

    /// <summary>
    /// Keeps the faces inside the district and labels each with its street (the street region holding its interior
    /// point), its community (the nearest community seed point of that street, i.e. its Voronoi cell) and its cell.
    /// </summary>
    private static List<Face> LabelFaces(
        List<Polygon> polygons,
        IReadOnlyList<VoronoiSplitter.Part> streets,
        IReadOnlyList<Coordinate>[] communitySites,
        GridLattice lattice,
        double longitudeScale)
    {
        var locators = streets.Select(s => new IndexedPointInAreaLocator(s.Region)).ToArray();
        var faces = new List<Face>(polygons.Count);
        foreach (var polygon in polygons)
        {
            if (polygon.Area <= 0)
            {
                continue;
            }

            // Not Geometry.InteriorPoint: that one is rounded to the precision model, which can put it on the edge
            // of a face one precision unit wide.
            var inside = InteriorPointArea.GetInteriorPoint(polygon);
            var street = -1;
            for (var s = 0; s < streets.Count && street < 0; s++)
            {
                if (streets[s].Region.EnvelopeInternal.Contains(inside) && locators[s].Locate(inside) == Location.Interior)
                {
                    street = s;
                }
            }

            if (street < 0)
            {
                continue; // outside the district
            }

            var centre = polygon.EnvelopeInternal.Centre;
            faces.Add(new Face(
                faces.Count,
                polygon,
                street,
                VoronoiSplitter.Nearest(communitySites[street], inside, longitudeScale),
                (int)Math.Floor((lattice.OriginLatitude - centre.Y) / lattice.CellHeightDegrees),
                (int)Math.Floor((centre.X - lattice.OriginLongitude) / lattice.CellWidthDegrees)));
        }

        LinkNeighbours(faces);
        return faces;
    }

    /// <summary>Records, for every face, the faces it shares edges with and the length shared.</summary>
    private static void LinkNeighbours(List<Face> faces)
    {
        var owners = new Dictionary<(long, long, long, long), int>();
        foreach (var face in faces)
        {
            foreach (var ring in new[] { face.Geometry.Shell }.Concat(face.Geometry.Holes))
            {
                var coordinates = ring.Coordinates;
                for (var i = 1; i < coordinates.Length; i++)
                {
                    var key = SegmentKey(coordinates[i - 1], coordinates[i]);
                    if (owners.Remove(key, out var other))
                    {
                        if (other != face.Id)
                        {
                            var length = coordinates[i - 1].Distance(coordinates[i]);
                            face.AddNeighbour(other, length);
                            faces[other].AddNeighbour(face.Id, length);
                        }
                    }
                    else
                    {
                        owners[key] = face.Id;
                    }
                }
            }
        }
    }

    private static (long, long, long, long) SegmentKey(Coordinate a, Coordinate b)
    {
        var scale = Overlay.Precision.Scale;
        var (ax, ay) = ((long)Math.Round(a.X * scale), (long)Math.Round(a.Y * scale));
        var (bx, by) = ((long)Math.Round(b.X * scale), (long)Math.Round(b.Y * scale));
        return (ax, ay).CompareTo((bx, by)) <= 0 ? (ax, ay, bx, by) : (bx, by, ax, ay);
    }

    /// <summary>
    /// A community's Voronoi cell clipped to a concave street can fall apart. Every part but the largest joins the
    /// community of the same street that shares the longest border with it.
    /// </summary>
    private static void MakeCommunitiesContiguous(List<Face> faces)
    {
        for (var pass = 0; pass < 10; pass++)
        {
            var changed = false;
            foreach (var community in faces.GroupBy(f => (f.Street, f.Community)).OrderBy(g => g.Key).ToList())
            {
                var parts = Components([.. community], faces);
                if (parts.Count < 2)
                {
                    continue;
                }

                var largest = parts.MaxBy(p => p.Sum(f => f.Geometry.Area))!;
                foreach (var part in parts.Where(p => !ReferenceEquals(p, largest)))
                {
                    var target = part
                        .SelectMany(f => f.Neighbours.Select(n => (Face: faces[n.Key], Length: n.Value)))
                        .Where(n => n.Face.Street == community.Key.Street && n.Face.Community != community.Key.Community)
                        .GroupBy(n => n.Face.Community)
                        .Select(g => (Community: g.Key, Length: g.Sum(n => n.Length)))
                        .OrderByDescending(t => t.Length)
                        .ThenBy(t => t.Community)
                        .FirstOrDefault();
                    if (target.Length > 0)
                    {
                        part.ForEach(f => f.Community = target.Community);
                        changed = true;
                    }
                }
            }

            if (!changed)
            {
                return;
            }
        }
    }

    /// <summary>Groups <paramref name="members"/> into sets connected through shared edges.</summary>
    private static List<List<Face>> Components(List<Face> members, List<Face> faces)
    {
        var remaining = members.Select(f => f.Id).ToHashSet();
        var components = new List<List<Face>>();
        foreach (var start in members)
        {
            if (!remaining.Remove(start.Id))
            {
                continue;
            }

            var component = new List<Face> { start };
            for (var i = 0; i < component.Count; i++)
            {
                foreach (var neighbour in component[i].Neighbours.Keys.Order())
                {
                    if (remaining.Remove(neighbour))
                    {
                        component.Add(faces[neighbour]);
                    }
                }
            }

            components.Add(component);
        }

        return components;
    }

    private static List<UnitGrid> CutGrids(
        CommunityCode community, StreetCode street, string communityName, List<Face> faces, GridLattice lattice, double minAreaFraction)
    {
        // Faces of the community in the same cell that touch form one piece (they only occur when a community
        // took over part of another); faces that do not touch stay separate pieces.
        var allFaces = faces.ToDictionary(f => f.Id);
        var pieces = new List<Piece>();
        foreach (var cell in faces.GroupBy(f => (f.Row, f.Column)).OrderBy(g => g.Key))
        {
            var members = cell.ToList();
            var remaining = members.Select(f => f.Id).ToHashSet();
            foreach (var start in members)
            {
                if (!remaining.Remove(start.Id))
                {
                    continue;
                }

                var component = new List<Face> { start };
                for (var i = 0; i < component.Count; i++)
                {
                    foreach (var neighbour in component[i].Neighbours.Keys.Order())
                    {
                        if (remaining.Remove(neighbour))
                        {
                            component.Add(allFaces[neighbour]);
                        }
                    }
                }

                foreach (var polygon in Overlay.UnionAll([.. component.Select(f => f.Geometry)]))
                {
                    pieces.Add(new Piece(cell.Key.Row, cell.Key.Column, polygon));
                }
            }
        }

        MergeSlivers(pieces, minAreaFraction * lattice.CellWidthDegrees * lattice.CellHeightDegrees);

        var ordered = pieces
            .Where(p => p.Alive)
            .OrderBy(p => p.Row)
            .ThenBy(p => p.Column)
            .ThenByDescending(p => p.Geometry.Centroid.Y)
            .ThenBy(p => p.Geometry.Centroid.X)
            .ToList();
        if (ordered.Count > GridCode.MaxSequence)
        {
            throw new InvalidOperationException(
                $"Community {community} ({communityName}) would hold {ordered.Count} unit grids, but the 3-digit " +
                $"sequence code allows at most {GridCode.MaxSequence}. Use a larger cell size or more communities per street.");
        }

        return [.. ordered.Select((p, i) =>
        {
            p.Geometry.Normalize();
            return new UnitGrid(
                GridCode.Create(community, i + 1),
                community,
                street,
                p.Geometry,
                GeoMeasure.AreaSquareMetres(p.Geometry),
                p.Geometry.Centroid,
                p.Row,
                p.Column);
        })];
    }

    /// <summary>
    /// Repeatedly merges the smallest piece under <paramref name="minArea"/> into the same-community piece that shares
    /// the longest border with it. A piece with no such neighbour (or whose union would not be one polygon) stays.
    /// </summary>
    private static void MergeSlivers(List<Piece> pieces, double minArea)
    {
        while (true)
        {
            var sliver = pieces
                .Where(p => p.Alive && p.Mergeable && p.Geometry.Area < minArea)
                .OrderBy(p => p.Geometry.Area)
                .ThenBy(p => p.Row)
                .ThenBy(p => p.Column)
                .FirstOrDefault();
            if (sliver is null)
            {
                return;
            }

            var candidates = pieces
                .Where(p => p.Alive && !ReferenceEquals(p, sliver))
                .Select(p => (Piece: p, Shared: Overlay.SharedBorderLength(sliver.Geometry, p.Geometry)))
                .Where(t => t.Shared > 0)
                .OrderByDescending(t => t.Shared)
                .ThenBy(t => t.Piece.Row)
                .ThenBy(t => t.Piece.Column);

            sliver.Mergeable = false;
            foreach (var (host, _) in candidates)
            {
                var union = Overlay.Union(host.Geometry, sliver.Geometry);
                if (union.Count == 1)
                {
                    host.Geometry = union[0];
                    sliver.Alive = false;
                    break;
                }
            }
        }
    }

    /// <summary>SplitMix64-style mixing: stable across runtimes, unlike string or HashCode hashing.</summary>
    private static int DeriveSeed(int seed, int salt)
    {
        unchecked
        {
            var z = ((ulong)(uint)seed << 32 | (uint)salt) + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & int.MaxValue);
        }
    }

    /// <summary>1 → 一, 10 → 十, 12 → 十二, 25 → 二十五, 100+ → Arabic digits.</summary>
    private static string ChineseNumeral(int number)
    {
        const string Digits = "零一二三四五六七八九";
        return number switch
        {
            < 10 => Digits[number].ToString(),
            10 => "十",
            < 20 => "十" + Digits[number % 10],
            < 100 => Digits[number / 10] + "十" + (number % 10 == 0 ? string.Empty : Digits[number % 10].ToString()),
            _ => number.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A face of the arrangement: inside one street, one community and one lattice cell.</summary>
    private sealed class Face(int id, Polygon geometry, int street, int community, int row, int column)
    {
        private readonly Dictionary<int, double> _neighbours = [];

        public int Id { get; } = id;

        public Polygon Geometry { get; } = geometry;

        public int Street { get; } = street;

        public int Community { get; set; } = community;

        public int Row { get; } = row;

        public int Column { get; } = column;

        /// <summary>Neighbouring face ids and the length of edge shared with each.</summary>
        public IReadOnlyDictionary<int, double> Neighbours => _neighbours;

        public void AddNeighbour(int id, double length) =>
            _neighbours[id] = _neighbours.GetValueOrDefault(id) + length;
    }

    private sealed class Piece(int row, int column, Polygon geometry)
    {
        public int Row { get; } = row;

        public int Column { get; } = column;

        public Polygon Geometry { get; set; } = geometry;

        public bool Alive { get; set; } = true;

        public bool Mergeable { get; set; } = true;
    }
}
