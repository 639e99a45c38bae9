using CivicGrid.Domain.Grids;

namespace CivicGrid.Domain.Tests.Grids;

public class GridCodeTests
{
    [Fact]
    public void Parse_StandardCode_ExposesItsParts()
    {
        var code = GridCode.Parse("110101001003012");

        Assert.Equal("110101001003012", code.Value);
        Assert.Equal("110101", code.AdminDivisionSegment);
        Assert.Equal("001", code.StreetSegment);
        Assert.Equal("003", code.CommunitySegment);
        Assert.Equal("012", code.Sequence);
        Assert.True(code.HasNumericPrefix);
        Assert.Equal(new AdminDivisionCode("110101"), code.AdminDivisionCode);
        Assert.Equal(new StreetCode("110101001"), code.StreetCode);
        Assert.Equal(new CommunityCode("110101001003"), code.CommunityCode);
        Assert.Equal("110101001003012", code.ToString());
    }

    [Fact]
    public void Parse_LeadingZeros_AreKept()
    {
        var code = GridCode.Parse("000000000000001");

        Assert.Equal("000000000000001", code.Value);
        Assert.Equal("000000000", code.StreetCode.Value);
        Assert.Equal("001", code.Sequence);
    }

    [Theory]
    [InlineData("1101010010030A1")]
    [InlineData("ABCDEFGHIJKLMNO")]
    [InlineData("Z00000000000000")]
    public void Parse_CapitalLetters_AreAccepted(string value) =>
        Assert.Equal(value, GridCode.Parse(value).Value);

    [Fact]
    public void CommunityCode_LettersInPrefix_ThrowsInvalidOperation()
    {
        var code = GridCode.Parse("11010100100A001");

        Assert.False(code.HasNumericPrefix);
        Assert.Equal("00A", code.CommunitySegment);
        Assert.Equal(new StreetCode("110101001"), code.StreetCode);
        var error = Assert.Throws<InvalidOperationException>(() => code.CommunityCode);
        Assert.Contains("11010100100A001", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("11010100100301")]
    [InlineData("1101010010030120")]
    [InlineData("110101001003 12")]
    [InlineData("11010100100301a")]
    [InlineData("110101-01003012")]
    [InlineData("１１０１０１００１００３０１２")]
    public void Parse_Malformed_ThrowsFormatExceptionNamingTheRule(string value)
    {
        var error = Assert.Throws<FormatException>(() => GridCode.Parse(value));

        Assert.Contains("15 characters", error.Message, StringComparison.Ordinal);
        Assert.False(GridCode.TryParse(value, out var parsed));
        Assert.Null(parsed);
        Assert.Throws<ArgumentException>(() => new GridCode(value));
    }

    [Fact]
    public void Constructor_Null_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new GridCode(null!));
        Assert.False(GridCode.TryParse(null, out _));
    }

    [Fact]
    public void Create_PadsSequenceToThreeDigits()
    {
        var community = new CommunityCode("110101001003");

        Assert.Equal("110101001003001", GridCode.Create(community, 1).Value);
        Assert.Equal("110101001003042", GridCode.Create(community, 42).Value);
        Assert.Equal("110101001003999", GridCode.Create(community, 999).Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1000)]
    public void Create_SequenceOutOfRange_Throws(int sequence) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GridCode.Create(new CommunityCode("110101001003"), sequence));

    [Fact]
    public void Equality_IsByValue()
    {
        var set = new HashSet<GridCode> { GridCode.Parse("110101001003012") };

        Assert.Contains(new GridCode("110101001003012"), set);
        Assert.Equal(GridCode.Parse("110101001003012"), new GridCode("110101001003012"));
        Assert.NotEqual(GridCode.Parse("110101001003012"), GridCode.Parse("110101001003013"));
    }
}
