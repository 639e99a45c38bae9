using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Geography;
using CivicGrid.Domain.Grids;
using NetTopologySuite.Geometries;

namespace CivicGrid.Domain.Tests.Geography;

public class GazetteerIndexTests
{
    private static readonly GazetteerEntry Wangfujing = new("r1", GazetteerKind.Road, "王府井大街", "Wangfujing Street", ["王府井", "王府井步行街"], 116.4108, 39.9135,
        Path: [new LonLat(116.4104, 39.9089), new LonLat(116.4108, 39.9135), new LonLat(116.4113, 39.9200)]);
    private static readonly GazetteerEntry Store = new("l1", GazetteerKind.Landmark, "王府井百货大楼", "Wangfujing Department Store", ["百货大楼"], 116.4107, 39.9128);
    private static readonly GazetteerEntry Yonghegong = new("l2", GazetteerKind.Landmark, "雍和宫", "Yonghe Lama Temple", ["Lama Temple"], 116.4173, 39.9474);
    private static readonly GazetteerEntry Donghuamen = new("110101001", GazetteerKind.Street, "东华门街道", "Donghuamen", ["东华门"], 116.40, 39.91);
    private static readonly GazetteerEntry Community = new("110101001001", GazetteerKind.Community, "王府井社区", "Wangfujing Community", [], 116.41, 39.915);
    private static readonly GazetteerEntry Cover1 = new("11010101001000001", GazetteerKind.Component, "供水井盖", "Water supply manhole cover", [], 116.411, 39.913, "01001");
    private static readonly GazetteerEntry Cover2 = new("11010101001000002", GazetteerKind.Component, "供水井盖", "Water supply manhole cover", [], 116.412, 39.914, "01001");
    private static readonly GazetteerEntry Light = new("11010101037000001", GazetteerKind.Component, "路灯", "Street lamp", [], 116.413, 39.915, "01037");

    private static readonly GazetteerIndex Index = new([Wangfujing, Store, Yonghegong, Donghuamen, Community, Cover1, Cover2, Light]);

    [Theory]
    [InlineData("王府井 大街", "王府井大街")]
    [InlineData("　王府井大街　", "王府井大街")]
    [InlineData("ＷＡＮＧＦＵＪＩＮＧ Street", "wangfujingstreet")]
    [InlineData("Wangfujing-Street!", "wangfujingstreet")]
    [InlineData("东华门（街道）·", "东华门街道")]
    [InlineData("１２３", "123")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Normalize_FoldsWidthCaseSpacesAndPunctuation(string? text, string expected) =>
        Assert.Equal(expected, GazetteerText.Normalize(text));

    [Fact]
    public void Search_ExactName_ComesFirst()
    {
        var found = Index.Search("王府井大街", 10);

        Assert.Equal("r1", found[0].Entry.Id);
        Assert.Equal(GazetteerMatchKind.Exact, found[0].Match);
        Assert.Equal(1, found[0].Score);
    }

    [Fact]
    public void Search_RanksExactBeforePrefixBeforeContainsBeforeSimilar()
    {
        // "王府井": an alias of the road (exact), the start of the community's and the store's names
        // (prefix; the shorter name is the closer match).
        var found = Index.Search("王府井", 10);

        Assert.Equal(["r1", "110101001001", "l1"], found.Take(3).Select(m => m.Entry.Id));
        Assert.Equal([GazetteerMatchKind.Exact, GazetteerMatchKind.Prefix, GazetteerMatchKind.Prefix], found.Take(3).Select(m => m.Match));
        Assert.Equal("王府井", found[0].MatchedName);
        Assert.True(found.Zip(found.Skip(1)).All(p => p.First.Match >= p.Second.Match), "match kinds never go up");
    }

    [Fact]
    public void Search_SubstringOfAName_IsContains()
    {
        var found = Index.Search("百货", 10);

        Assert.Equal("l1", found[0].Entry.Id);
        Assert.Equal(GazetteerMatchKind.Prefix, found[0].Match); // the alias 百货大楼 starts with it
        var inside = Index.Search("府井百", 10);
        Assert.Equal("l1", inside[0].Entry.Id);
        Assert.Equal(GazetteerMatchKind.Contains, inside[0].Match);
    }

    [Fact]
    public void Search_QueryThatSaysMoreThanTheName_FindsTheName()
    {
        var found = Index.Search("王府井大街百货大楼门口", 10);
        Assert.Equal(["l1", "r1"], found.Take(2).Select(m => m.Entry.Id).Order(StringComparer.Ordinal));

        var most = Index.Search("王府井大街口", 10);
        Assert.Equal("r1", most[0].Entry.Id);
        Assert.Equal(GazetteerMatchKind.Contains, most[0].Match);
    }

    [Fact]
    public void Search_ShortNameInsideALongQuery_DoesNotOutrankACloseName()
    {
        // "东华门" (a street's short name) is inside the query, but the store's name is nearly the query.
        var found = Index.Search("东华门王府井百货大搂", 10);

        Assert.Equal("l1", found[0].Entry.Id);
    }

    [Fact]
    public void Search_OneWrongCharacter_IsStillFoundAsSimilar()
    {
        var found = Index.Search("王府进大街", 10);

        Assert.Equal("r1", found[0].Entry.Id);
        Assert.Equal(GazetteerMatchKind.Similar, found[0].Match);
        Assert.InRange(found[0].Score, GazetteerIndex.SimilarityThreshold, 0.99);
    }

    [Fact]
    public void Search_UnrelatedText_FindsNothing() =>
        Assert.Empty(Index.Search("天坛公园", 10));

    [Theory]
    [InlineData("lama temple")]
    [InlineData("ＬＡＭＡ　ＴＥＭＰＬＥ")]
    [InlineData("Yonghe Lama Temple")]
    public void Search_EnglishNamesAndAliases_InAnyWidthOrCase(string query)
    {
        var found = Index.Search(query, 5);

        Assert.Equal("l2", found[0].Entry.Id);
        Assert.Equal(GazetteerMatchKind.Exact, found[0].Match);
    }

    [Fact]
    public void Search_StreetByShortName()
    {
        var found = Index.Search("东华门", 5);

        Assert.Equal("110101001", found[0].Entry.Id);
        Assert.Equal(GazetteerMatchKind.Exact, found[0].Match);
    }

    [Fact]
    public void Search_ComponentById_ExactOrPrefix()
    {
        var exact = Index.Search("11010101001000002", 5);
        Assert.Equal("11010101001000002", exact[0].Entry.Id);
        Assert.Equal(GazetteerMatchKind.Exact, exact[0].Match);

        var prefix = Index.Search("１１０１０１０１００１", 5); // full-width digits, the water covers' prefix
        Assert.Equal(["11010101001000001", "11010101001000002"], prefix.Where(m => m.Entry.Kind == GazetteerKind.Component).Select(m => m.Entry.Id));
        Assert.All(prefix.Where(m => m.Entry.Kind == GazetteerKind.Component), m => Assert.Equal(GazetteerMatchKind.Prefix, m.Match));
    }

    [Fact]
    public void Search_ComponentsOfOneName_AreAllFound_AfterNamedPlacesOfTheSameMatch()
    {
        var index = new GazetteerIndex([Cover1, Cover2, new GazetteerEntry("l9", GazetteerKind.Landmark, "供水井盖", "A landmark named like a cover", [], 116.4, 39.9)]);

        var found = index.Search("供水井盖", 10);

        Assert.Equal(["l9", "11010101001000001", "11010101001000002"], found.Select(m => m.Entry.Id));
    }

    [Fact]
    public void Search_OneCharacter_FindsNamesContainingIt()
    {
        var found = Index.Search("宫", 10);

        Assert.Equal("l2", Assert.Single(found).Entry.Id);
    }

    [Fact]
    public void Search_RespectsTheLimit_AndReturnsEachEntryOnce()
    {
        var found = Index.Search("王府井", 2);
        Assert.Equal(2, found.Count);

        var all = Index.Search("王府井", 50);
        Assert.Equal(all.Count, all.Select(m => m.Entry.Id).Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("·！？")]
    public void Search_NothingToSearch_IsEmpty(string query) =>
        Assert.Empty(Index.Search(query, 10));

    [Fact]
    public void Nearby_MeasuresRoadsToTheirLine_AndLandmarksToTheirPoint()
    {
        // 50 m east of the road's southern half: far from its middle point, near its line.
        var lon = 116.4106 + (50 / GeoMeasure.MetresPerDegreeLongitude(39.91));
        var road = Assert.Single(Index.Nearby(lon, 39.9110, GazetteerKind.Road, 150, 5));
        Assert.Equal("r1", road.Entry.Id);
        Assert.InRange(road.DistanceMetres, 45, 55);

        var landmarks = Index.Nearby(116.4107, 39.9128, GazetteerKind.Landmark, 1000, 5);
        Assert.Equal("l1", landmarks[0].Entry.Id);
        Assert.Equal(0, landmarks[0].DistanceMetres);
        Assert.DoesNotContain(landmarks, n => n.Entry.Id == "l2"); // 雍和宫 is about 4 km away
    }

    [Fact]
    public void DemoLandmarks_AreReal_NamedInBothLanguages_AndInsideTheDistrict()
    {
        var landmarks = DongchengDemo.LoadLandmarks();
        var boundary = DongchengDemo.LoadBoundary();

        Assert.InRange(landmarks.Count, 40, 200);
        Assert.Equal(landmarks.Count, landmarks.Select(l => l.NameZh).Distinct().Count());
        Assert.All(landmarks, l =>
        {
            Assert.False(string.IsNullOrWhiteSpace(l.NameEn));
            Assert.True(boundary.Covers(new Point(l.Position.Longitude, l.Position.Latitude)), $"{l.NameZh} lies outside the district");
            Assert.Equal(l.Kind == LandmarkKind.Road, l.Path is not null);
            Assert.All(l.Path ?? [], p => Assert.True(boundary.Covers(new Point(p.Longitude, p.Latitude)), $"{l.NameZh}'s line leaves the district"));
        });
        Assert.Contains(landmarks, l => l.NameZh == "雍和宫");
        Assert.Contains(landmarks, l => l.NameZh == "王府井大街" && l.Kind == LandmarkKind.Road);
    }
}
