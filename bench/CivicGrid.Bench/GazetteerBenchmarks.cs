using BenchmarkDotNet.Attributes;
using CivicGrid.Domain.Geography;
using CivicGrid.Domain.Grids;

namespace CivicGrid.Bench;

/// <summary>
/// Forward geocoding (address search) over a gazetteer the size of the Dongcheng demo: its 17
/// streets and ~170 communities, the ~60 demo landmarks and roads, and ~13,000 components (about
/// three per unit grid, eleven distinct names). Each invocation runs a mix of queries as an
/// operator types them: exact names, prefixes, a typo, an English name, a component id prefix, a
/// component name shared by thousands, and a miss.
/// </summary>
[MemoryDiagnoser]
public class GazetteerBenchmarks
{
    private static readonly string[] Queries =
    [
        "雍和宫", "王府井", "王府井大街", "东直门内大", "王府进大街", "Lama Temple", "ＷＡＮＧＦＵＪＩＮＧ",
        "东华门", "协和医院", "11010101001", "供水井盖", "路灯", "天坛东门地铁站附近", "不存在的地方",
    ];

    private GazetteerIndex _index = null!;
    private List<GazetteerEntry> _entries = [];

    [GlobalSetup]
    public void Setup()
    {
        var partition = DongchengDemo.CreatePartition();
        _entries =
        [
            .. partition.Streets.Select(s => new GazetteerEntry(s.Code.Value, GazetteerKind.Street, s.Name, s.EnglishName, [s.Name.Replace("街道", string.Empty, StringComparison.Ordinal)], s.Geometry.InteriorPoint.X, s.Geometry.InteriorPoint.Y)),
            .. partition.Communities.Select(c => new GazetteerEntry(c.Code.Value, GazetteerKind.Community, c.Name, c.EnglishName, [], c.Geometry.InteriorPoint.X, c.Geometry.InteriorPoint.Y)),
            .. DongchengDemo.LoadLandmarks().Select((l, i) => new GazetteerEntry("L" + i, l.Kind == Domain.CityModel.LandmarkKind.Road ? GazetteerKind.Road : GazetteerKind.Landmark, l.NameZh, l.NameEn, l.Aliases, l.Position.Longitude, l.Position.Latitude, Path: l.Path)),
        ];
        (string Code, string Name)[] kinds =
        [
            ("01001", "供水井盖"), ("01002", "污水井盖"), ("01003", "雨水井盖"), ("01005", "电力井盖"), ("01007", "通信井盖"), ("01011", "燃气井盖"),
            ("01013", "消防设施"), ("01037", "路灯"), ("02010", "交通标志牌及标线"), ("03005", "垃圾箱"), ("04002", "行道树"),
        ];
        var serials = new int[kinds.Length];
        var random = new Random(2004);
        foreach (var grid in partition.Grids)
        {
            for (var n = 0; n < 3; n++)
            {
                var k = random.Next(kinds.Length);
                var id = ComponentId.Create(partition.AdminDivisionCode, new CategoryCode(kinds[k].Code), ++serials[k]).Value;
                _entries.Add(new GazetteerEntry(id, GazetteerKind.Component, kinds[k].Name, kinds[k].Name, [], grid.Centroid.X, grid.Centroid.Y, kinds[k].Code));
            }
        }

        _index = new GazetteerIndex(_entries);
    }

    [Benchmark(OperationsPerInvoke = 14)]
    public int Search_Top10()
    {
        var found = 0;
        foreach (var q in Queries)
        {
            found += _index.Search(q, 10).Count;
        }

        return found;
    }

    [Benchmark]
    public GazetteerIndex Build() => new(_entries);
}
