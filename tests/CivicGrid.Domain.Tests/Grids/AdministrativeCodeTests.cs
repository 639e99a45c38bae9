using CivicGrid.Domain.Grids;

namespace CivicGrid.Domain.Tests.Grids;

public class AdministrativeCodeTests
{
    [Fact]
    public void AdminDivisionCode_Valid_ExposesProvince()
    {
        var code = AdminDivisionCode.Parse("110101");

        Assert.Equal("110101", code.Value);
        Assert.Equal("11", code.ProvinceCode);
        Assert.Equal("110101", code.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("11010")]
    [InlineData("1101011")]
    [InlineData("11010A")]
    [InlineData(" 110101")]
    [InlineData("١١٠١٠١")]
    public void AdminDivisionCode_Malformed_IsRejected(string value)
    {
        Assert.False(AdminDivisionCode.IsValid(value));
        Assert.False(AdminDivisionCode.TryParse(value, out _));
        var error = Assert.Throws<FormatException>(() => AdminDivisionCode.Parse(value));
        Assert.Contains("6 digits", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new AdminDivisionCode(value));
    }

    [Fact]
    public void StreetCode_Valid_ExposesParts()
    {
        var code = StreetCode.Parse("110101017");

        Assert.Equal(new AdminDivisionCode("110101"), code.AdminDivisionCode);
        Assert.Equal("017", code.LocalCode);
    }

    [Fact]
    public void StreetCode_Create_PadsNumber()
    {
        Assert.Equal("110101001", StreetCode.Create(new AdminDivisionCode("110101"), 1).Value);
        Assert.Equal("330106100", StreetCode.Create(new AdminDivisionCode("330106"), 100).Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => StreetCode.Create(new AdminDivisionCode("110101"), 1000));
    }

    [Theory]
    [InlineData("11010100")]
    [InlineData("1101010011")]
    [InlineData("11010100A")]
    public void StreetCode_Malformed_IsRejected(string value)
    {
        Assert.False(StreetCode.TryParse(value, out _));
        var error = Assert.Throws<FormatException>(() => StreetCode.Parse(value));
        Assert.Contains("9 digits", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new StreetCode(value));
    }

    [Fact]
    public void CommunityCode_Valid_ExposesParts()
    {
        var code = CommunityCode.Parse("110101001003");

        Assert.Equal(new AdminDivisionCode("110101"), code.AdminDivisionCode);
        Assert.Equal(new StreetCode("110101001"), code.StreetCode);
        Assert.Equal("003", code.LocalCode);
        Assert.Equal("000000000001", CommunityCode.Parse("000000000001").Value);
    }

    [Fact]
    public void CommunityCode_Create_PadsNumber() =>
        Assert.Equal("110101001007", CommunityCode.Create(new StreetCode("110101001"), 7).Value);

    [Theory]
    [InlineData("11010100100")]
    [InlineData("1101010010031")]
    [InlineData("11010100100A")]
    public void CommunityCode_Malformed_IsRejected(string value)
    {
        Assert.False(CommunityCode.TryParse(value, out _));
        var error = Assert.Throws<FormatException>(() => CommunityCode.Parse(value));
        Assert.Contains("12 digits", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CommunityCode(value));
    }
}
