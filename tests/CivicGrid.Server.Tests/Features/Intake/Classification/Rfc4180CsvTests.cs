using CivicGrid.Server.Features.Intake.Classification;

namespace CivicGrid.Server.Tests.Features.Intake.Classification;

public sealed class Rfc4180CsvTests
{
    [Fact]
    public void Read_QuotedFieldsWithCommasNewlinesAndQuotes_KeepsThemInOneField()
    {
        var csv = "a,b,c\r\n1,\"x, y\",\"line one\nline two\"\r\n2,\"she said \"\"hi\"\"\",\n\n3,,\"\"\n";

        var records = Rfc4180Csv.Read(new StringReader(csv)).ToList();

        Assert.Equal(4, records.Count);
        Assert.Equal(["a", "b", "c"], records[0]);
        Assert.Equal(["1", "x, y", "line one\nline two"], records[1]);
        Assert.Equal(["2", "she said \"hi\"", ""], records[2]);
        Assert.Equal(["3", "", ""], records[3]);
    }

    [Fact]
    public void Read_LastRecordWithoutLineBreak_IsRead()
    {
        Assert.Equal([["h"], ["v"]], Rfc4180Csv.Read(new StringReader("h\nv")).ToList());
    }

    [Theory]
    [InlineData("a,b\n1,\"never closed\n", "not closed")]
    [InlineData("a,b\n1,\"x\"y\n", "after the closing quote")]
    [InlineData("a,b\n1,x\"y\n", "quote inside an unquoted field")]
    public void Read_MalformedQuoting_Throws(string csv, string message)
    {
        var error = Assert.Throws<FormatException>(() => Rfc4180Csv.Read(new StringReader(csv)).ToList());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelledCsv_TitleAndDetail_AreJoinedAndBlankRowsSkipped()
    {
        var csv = "msg_id,label_l1,title,detail\n1,交通运输,\"公交站,太远\",\"详情\n第二行\"\n2,城乡建设,,只有详情\n3,,标题,没有标签\n";

        var rows = LabelledCsv.Read(new StringReader(csv), "test.csv");

        Assert.Equal([("公交站,太远 详情\n第二行", "交通运输"), ("只有详情", "城乡建设")], rows);
    }

    [Fact]
    public void LabelledCsv_NamedColumns_AreUsed()
    {
        var csv = "Description,Kind,other\nlamp out,streetlight,x\n";

        var rows = LabelledCsv.Read(new StringReader(csv), "test.csv", ["description", "other"], "kind");

        Assert.Equal([("lamp out x", "streetlight")], rows);
    }
}
