using System.Globalization;
using CivicGrid.Domain.CityModel;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Open311;

/// <summary>A text in both languages of the platform.</summary>
internal readonly record struct Bilingual(string Zh, string En)
{
    public string For(bool english) => english ? En : Zh;
}

/// <summary>One option of a list attribute.</summary>
internal sealed record ServiceValue(string Key, Bilingual Name);

/// <summary>One attribute of a service definition (GeoReport v2 "attribute").</summary>
internal sealed record ServiceAttribute(
    string Code,
    string Datatype,
    bool Required,
    bool Variable,
    Bilingual Description,
    Bilingual? DatatypeDescription,
    IReadOnlyList<ServiceValue> Values)
{
    public bool IsList => Datatype is "singlevaluelist" or "multivaluelist";
}

/// <summary>
/// The Open311 services: one per active event category of GB/T 47678.5-2026 (and local extensions),
/// code = the 5-digit category code, group = the major category. Each has a definition with the
/// questions that help the department: which component and what is wrong with it for the
/// component-related majors 01–05, a bin number for overflowing bins, and whether it is dangerous.
/// </summary>
internal static class ServiceCatalog
{
    public const string ComponentIdAttribute = "component_id";
    public const string HazardAttribute = "hazard";

    private static readonly ServiceAttribute ComponentId = new(
        ComponentIdAttribute, "string", Required: false, Variable: true,
        new("部件标识码（17 位数字，见部件上的标牌），知道时填写", "Component id (17 digits, on the component's tag), if known"),
        new("17 位数字", "17 digits"), []);

    private static readonly ServiceAttribute Condition = new(
        "condition", "singlevaluelist", Required: true, Variable: true,
        new("部件出现了什么问题？", "What is wrong with it?"),
        new("从列表中选一项", "Pick one"),
        [
            new("damaged", new("破损", "Damaged")),
            new("missing", new("丢失", "Missing")),
            new("displaced", new("移位或松动", "Displaced or loose")),
            new("blocked", new("堵塞", "Blocked")),
            new("other", new("其他", "Other")),
        ]);

    private static readonly ServiceAttribute BinNumber = new(
        "bin_number", "string", Required: false, Variable: true,
        new("垃圾箱（站）编号，见箱体喷印", "Bin or station number, as painted on it"),
        null, []);

    private static readonly ServiceAttribute Hazard = new(
        HazardAttribute, "singlevaluelist", Required: false, Variable: true,
        new("是否危及行人或车辆安全？", "Is it a danger to people or vehicles?"),
        new("从列表中选一项；选“是”时按紧急案件受理", "Pick one; \"yes\" is handled as urgent"),
        [
            new("yes", new("是", "Yes")),
            new("no", new("否", "No")),
            new("unknown", new("不确定", "Not sure")),
        ]);

    private static readonly ServiceAttribute Notice = new(
        "notice", "text", Required: false, Variable: false,
        new("请勿在描述中填写身份证号、车牌号等个人信息；遇紧急危险请拨打 110 或 119。",
            "Do not put personal data (ID or plate numbers) in the description; in an emergency call 110 or 119."),
        null, []);

    /// <summary>The attributes of a service, in display order (their <c>order</c> is the position, from 1).</summary>
    public static IReadOnlyList<ServiceAttribute> AttributesFor(string code)
    {
        var list = new List<ServiceAttribute>();
        if (IsComponentRelated(code))
        {
            list.Add(ComponentId);
            list.Add(Condition);
        }

        if (code == "06042")
        {
            list.Add(BinNumber);
        }

        list.Add(Hazard);
        list.Add(Notice);
        return list;
    }

    /// <summary>Majors 01–05 are the events about a component of the inventory (部件类).</summary>
    public static bool IsComponentRelated(string code) =>
        code.Length == 5 && int.TryParse(code[..2], NumberStyles.None, CultureInfo.InvariantCulture, out var major) && major is >= 1 and <= 5;

    /// <summary>The active event categories, ordered by code.</summary>
    public static Task<List<Category>> ServicesAsync(CivicGridDbContext db, CancellationToken ct) =>
        db.Categories.AsNoTracking()
            .Where(c => c.Kind == CategoryKind.Event && c.IsActive)
            .OrderBy(c => c.Code)
            .ToListAsync(ct);

    /// <summary>One active event category, or 404 in the Open311 shape.</summary>
    public static async Task<Category> ServiceAsync(CivicGridDbContext db, string code, CancellationToken ct) =>
        await db.Categories.AsNoTracking().FirstOrDefaultAsync(c => c.Kind == CategoryKind.Event && c.IsActive && c.Code == code, ct)
        ?? throw Open311Exception.NotFound($"service_code '{code}' is not a service of this jurisdiction.");

    /// <summary>GET services.{fmt}: the list, in the spec's field order.</summary>
    public static O311Reply ServiceList(IEnumerable<Category> categories, bool english) =>
        new("services", new O311List("service", [.. categories.Select(c => (object?)new O311Object
        {
            { "service_code", c.Code },
            { "service_name", english ? c.NameEn : c.NameZh },
            { "description", Describe(c, english) },
            { "metadata", AttributesFor(c.Code).Count > 0 },
            { "type", "realtime" },
            { "keywords", english ? $"{c.NameEn}, {c.MajorNameEn}, {c.Code}" : $"{c.NameZh},{c.MajorNameZh},{c.Code}" },
            { "group", english ? c.MajorNameEn : c.MajorNameZh },
        })]));

    /// <summary>GET services/{code}.{fmt}: the definition, an object with its attributes.</summary>
    public static O311Reply Definition(Category category, bool english)
    {
        var attributes = AttributesFor(category.Code).Select((a, i) =>
        {
            var item = new O311Object
            {
                { "variable", a.Variable },
                { "code", a.Code },
                { "datatype", a.Datatype },
                { "required", a.Required },
                { "datatype_description", a.DatatypeDescription?.For(english) },
                { "order", i + 1 },
                { "description", a.Description.For(english) },
            };
            if (a.IsList)
            {
                item.Add("values", new O311List("value", [.. a.Values.Select(v => (object?)new O311Object { { "key", v.Key }, { "name", v.Name.For(english) } })]));
            }

            return (object?)item;
        }).ToList();
        return new("service_definition", new O311Object
        {
            { "service_code", category.Code },
            { "attributes", new O311List("attribute", attributes) },
        });
    }

    private static string Describe(Category c, bool english) =>
        english
            ? $"{c.NameEn} ({c.MajorNameEn}; {c.Standard} code {c.Code})."
            : $"{c.NameZh}（{c.MajorNameZh}，{c.Standard} 编码 {c.Code}）。";
}
