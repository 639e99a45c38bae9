using CivicGrid.Domain.Grids;

namespace CivicGrid.Domain.Tests.Grids;

public class ComponentCodeTests
{
    [Fact]
    public void CategoryCode_Valid_ExposesMajorAndMinor()
    {
        var code = CategoryCode.Parse("01001");

        Assert.Equal("01", code.MajorCode);
        Assert.Equal("001", code.MinorCode);
        Assert.Equal("01001", code.ToString());
    }

    [Fact]
    public void CategoryCode_Create_PadsParts() =>
        Assert.Equal("09006", CategoryCode.Create(9, 6).Value);

    [Theory]
    [InlineData("0101")]
    [InlineData("010011")]
    [InlineData("0100A")]
    [InlineData("")]
    public void CategoryCode_Malformed_IsRejected(string value)
    {
        Assert.False(CategoryCode.TryParse(value, out _));
        var error = Assert.Throws<FormatException>(() => CategoryCode.Parse(value));
        Assert.Contains("5 digits", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CategoryCode(value));
    }

    [Fact]
    public void ComponentId_Valid_ExposesParts()
    {
        var id = ComponentId.Parse("11010101001000042");

        Assert.Equal(new AdminDivisionCode("110101"), id.AdminDivisionCode);
        Assert.Equal(new CategoryCode("01001"), id.CategoryCode);
        Assert.Equal("01", id.CategoryCode.MajorCode);
        Assert.Equal("000042", id.Serial);
    }

    [Fact]
    public void ComponentId_Create_ConcatenatesAndPads()
    {
        var id = ComponentId.Create(new AdminDivisionCode("110101"), new CategoryCode("02014"), 7);

        Assert.Equal("11010102014000007", id.Value);
        Assert.Throws<ArgumentOutOfRangeException>(
            () => ComponentId.Create(new AdminDivisionCode("110101"), new CategoryCode("02014"), 1_000_000));
    }

    [Theory]
    [InlineData("3205080101000001")]
    [InlineData("110101010010000421")]
    [InlineData("1101010100100004A")]
    public void ComponentId_Malformed_IsRejected(string value)
    {
        Assert.False(ComponentId.TryParse(value, out _));
        var error = Assert.Throws<FormatException>(() => ComponentId.Parse(value));
        Assert.Contains("17 digits", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ComponentId(value));
    }
}
