using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Open311;

/// <summary>Discovery, the service list and service definitions, in XML and JSON, in the spec's shapes.</summary>
public abstract class Open311ServicesTests(CivicGridApp app) : Open311Test(app)
{
    private static readonly string[] ServiceElements = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"];
    private static readonly string[] AttributeElements = ["variable", "code", "datatype", "required", "datatype_description", "order", "description"];

    [Fact]
    public async Task Discovery_Json_DescribesTheEndpointWithBothFormats()
    {
        var discovery = await GetJsonAsync("/discovery.json");

        Assert.Equal(["changeset", "contact", "key_service", "endpoints"], discovery.EnumerateObject().Select(p => p.Name));
        var endpoint = Assert.Single(discovery.GetProperty("endpoints").EnumerateArray());
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", endpoint.GetProperty("specification").GetString());
        Assert.EndsWith("/open311/v2", endpoint.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("production", endpoint.GetProperty("type").GetString());
        Assert.Equal(["text/xml", "application/json"], endpoint.GetProperty("formats").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task Discovery_Xml_HasTheSpecElements()
    {
        var doc = await GetXmlAsync("/discovery.xml");

        Assert.Equal("discovery", doc.Root!.Name.LocalName);
        Assert.Equal(["changeset", "contact", "key_service", "endpoints"], Names(doc.Root));
        var endpoint = Assert.Single(doc.Root.Element("endpoints")!.Elements());
        Assert.Equal("endpoint", endpoint.Name.LocalName);
        Assert.Equal(["specification", "url", "changeset", "type", "formats"], Names(endpoint));
        Assert.Equal(["text/xml", "application/json"], endpoint.Element("formats")!.Elements("format").Select(f => f.Value));
    }

    [Fact]
    public async Task Services_Json_ListsActiveEventCategoriesAsRealtimeServices()
    {
        var services = await GetJsonAsync("/services.json");

        Assert.Equal(JsonValueKind.Array, services.ValueKind);
        var all = services.EnumerateArray().ToList();
        Assert.True(all.Count > 100, "every active event category is a service");
        var cover = all.Single(s => s.GetProperty("service_code").GetString() == "01001");
        Assert.Equal(ServiceElements, cover.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, cover.GetProperty("service_code").ValueKind);
        Assert.Equal("供水井盖异常", cover.GetProperty("service_name").GetString());
        Assert.Equal(JsonValueKind.True, cover.GetProperty("metadata").ValueKind);
        Assert.Equal("realtime", cover.GetProperty("type").GetString());
        Assert.Equal("市政公用设施类", cover.GetProperty("group").GetString());
        Assert.Contains("供水井盖异常", cover.GetProperty("keywords").GetString(), StringComparison.Ordinal);
        Assert.All(all, s => Assert.Matches("^[0-9]{5}$", s.GetProperty("service_code").GetString()!));
    }

    [Fact]
    public async Task Services_Xml_HasServiceElementsInSpecOrder()
    {
        var doc = await GetXmlAsync("/services.xml");

        Assert.Equal("services", doc.Root!.Name.LocalName);
        Assert.All(doc.Root.Elements(), s =>
        {
            Assert.Equal("service", s.Name.LocalName);
            Assert.Equal(ServiceElements, Names(s));
            Assert.Contains(s.Element("metadata")!.Value, new[] { "true", "false" });
        });
        var garbage = doc.Root.Elements().Single(s => s.Element("service_code")!.Value == "06010");
        Assert.Equal("市容环境类", garbage.Element("group")!.Value);
    }

    [Fact]
    public async Task Services_InEnglish_ByLocaleOrAcceptLanguage()
    {
        var byLocale = await GetJsonAsync("/services.json?locale=en");
        Assert.Equal("Water supply manhole cover problem",
            byLocale.EnumerateArray().Single(s => s.GetProperty("service_code").GetString() == "01001").GetProperty("service_name").GetString());

        var client = App.CreateClient();
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("en-GB"));
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh", 0.5));
        var xml = await XmlAsync(await client.GetAsync(Base + "/services.xml", Ct), HttpStatusCode.OK);
        Assert.Equal("Municipal utilities", xml.Root!.Elements().First(s => s.Element("service_code")!.Value == "01001").Element("group")!.Value);
    }

    [Fact]
    public async Task Definition_Json_ComponentCategory_HasComponentIdAndConditionList()
    {
        var definition = await GetJsonAsync("/services/01001.json");

        Assert.Equal(JsonValueKind.Object, definition.ValueKind);
        Assert.Equal("01001", definition.GetProperty("service_code").GetString());
        var attributes = definition.GetProperty("attributes").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4], attributes.Select(a => a.GetProperty("order").GetInt32()));
        var component = attributes.Single(a => a.GetProperty("code").GetString() == "component_id");
        Assert.Equal("string", component.GetProperty("datatype").GetString());
        Assert.False(component.GetProperty("required").GetBoolean());
        Assert.True(component.GetProperty("variable").GetBoolean());
        Assert.False(component.TryGetProperty("values", out _));
        var condition = attributes.Single(a => a.GetProperty("code").GetString() == "condition");
        Assert.Equal("singlevaluelist", condition.GetProperty("datatype").GetString());
        Assert.True(condition.GetProperty("required").GetBoolean());
        var values = condition.GetProperty("values").EnumerateArray().ToList();
        Assert.Contains(values, v => v.GetProperty("key").GetString() == "missing" && v.GetProperty("name").GetString() == "丢失");
        Assert.All(values, v => Assert.Equal(JsonValueKind.String, v.GetProperty("key").ValueKind));
        var notice = attributes.Single(a => a.GetProperty("code").GetString() == "notice");
        Assert.False(notice.GetProperty("variable").GetBoolean());
    }

    [Fact]
    public async Task Definition_Xml_HasAttributesWrapperAndElementOrder()
    {
        var doc = await GetXmlAsync("/services/06042.xml");

        Assert.Equal("service_definition", doc.Root!.Name.LocalName);
        Assert.Equal(["service_code", "attributes"], Names(doc.Root));
        Assert.Equal("06042", doc.Root.Element("service_code")!.Value);
        var attributes = doc.Root.Element("attributes")!.Elements().ToList();
        Assert.All(attributes, a => Assert.Equal("attribute", a.Name.LocalName));
        Assert.Contains(attributes, a => a.Element("code")!.Value == "bin_number");
        foreach (var a in attributes)
        {
            var names = Names(a);
            Assert.Equal(AttributeElements, names.Take(7));
            var isList = a.Element("datatype")!.Value.EndsWith("valuelist", StringComparison.Ordinal);
            Assert.Equal(isList, names.Length == 8 && names[7] == "values");
        }

        var hazard = attributes.Single(a => a.Element("code")!.Value == "hazard");
        Assert.Equal(["yes", "no", "unknown"], hazard.Element("values")!.Elements("value").Select(v => v.Element("key")!.Value));
        Assert.All(hazard.Element("values")!.Elements(), v => Assert.Equal(["key", "name"], Names(v)));
    }

    [Fact]
    public async Task Definition_UnknownService_Returns404InBothFormats()
    {
        var json = await JsonErrorsAsync(await App.CreateClient().GetAsync(Base + "/services/99999.json", Ct), HttpStatusCode.NotFound);
        Assert.Equal(404, json[0].Code);
        Assert.Contains("99999", json[0].Description, StringComparison.Ordinal);

        var xml = await XmlErrorsAsync(await App.CreateClient().GetAsync(Base + "/services/99999.xml", Ct), HttpStatusCode.NotFound);
        Assert.Equal(404, xml[0].Code);
    }

    [Fact]
    public async Task UnknownExtension_Returns404()
    {
        var errors = await XmlErrorsAsync(await App.CreateClient().GetAsync(Base + "/services.html", Ct), HttpStatusCode.NotFound);
        Assert.Contains(".html", errors[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jurisdiction_OursIsAccepted_AnotherIs404()
    {
        await GetJsonAsync("/services.json?jurisdiction_id=civicgrid.local");
        await GetJsonAsync("/services.json?jurisdiction_id=");

        var errors = await JsonErrorsAsync(await App.CreateClient().GetAsync(Base + "/services.json?jurisdiction_id=sfgov.org", Ct), HttpStatusCode.NotFound);
        Assert.Contains("jurisdiction_id", errors[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_IsNeverIssued_Returns404()
    {
        var errors = await XmlErrorsAsync(await App.CreateClient().GetAsync(Base + "/tokens/12345.xml", Ct), HttpStatusCode.NotFound);
        Assert.Equal(404, errors[0].Code);
        await JsonErrorsAsync(await App.CreateClient().GetAsync(Base + "/tokens/12345.json", Ct), HttpStatusCode.NotFound);
    }
}

[Collection(Open311SqliteCollection.Name)]
public sealed class Open311ServicesTestsOnSqlite(SqliteApp app) : Open311ServicesTests(app);

[Collection(Open311PostgresCollection.Name)]
public sealed class Open311ServicesTestsOnPostgres(PostgresApp app) : Open311ServicesTests(app);
