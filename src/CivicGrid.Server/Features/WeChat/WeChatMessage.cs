using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace CivicGrid.Server.Features.WeChat;

/// <summary>
/// One message WeChat pushes to the account (text, image, location, or an event such as subscribe),
/// read from the protocol's XML. <c>FromUserName</c> is the citizen's OpenID; <c>ToUserName</c> the account.
/// </summary>
public sealed record WeChatMessage(
    string ToUserName,
    string FromUserName,
    long CreateTime,
    string MsgType,
    string? MsgId,
    string? Content,
    string? PicUrl,
    string? MediaId,
    double? LocationX,
    double? LocationY,
    string? Label,
    string? Event)
{
    /// <summary>What identifies a delivery across WeChat's retries: the MsgId, or sender and time for events.</summary>
    public string DeliveryKey => MsgId ?? string.Create(CultureInfo.InvariantCulture, $"{FromUserName}:{CreateTime}:{Event}");

    /// <summary>Parses the protocol XML (no DTDs, no external entities); null when it is not a WeChat message.</summary>
    public static WeChatMessage? Parse(string xml)
    {
        var root = LoadRoot(xml);
        if (root is null)
        {
            return null;
        }

        var to = Text(root, "ToUserName");
        var from = Text(root, "FromUserName");
        var type = Text(root, "MsgType");
        if (string.IsNullOrEmpty(to) || string.IsNullOrEmpty(from) || string.IsNullOrEmpty(type)
            || !long.TryParse(Text(root, "CreateTime"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var created))
        {
            return null;
        }

        return new WeChatMessage(
            to, from, created, type.ToLowerInvariant(), Text(root, "MsgId"), Text(root, "Content"), Text(root, "PicUrl"), Text(root, "MediaId"),
            Number(root, "Location_X"), Number(root, "Location_Y"), Text(root, "Label"), Text(root, "Event")?.ToLowerInvariant());
    }

    /// <summary>The root element of protocol XML (also used for the safe-mode envelope); null when malformed.</summary>
    public static XElement? LoadRoot(string xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 1 << 20 };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            return XDocument.Load(reader).Root is { Name.LocalName: "xml" } root ? root : null;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>A passive text reply, from the account to the citizen.</summary>
    public static string TextReply(string toUser, string fromAccount, long createTime, string content) =>
        new XElement("xml",
            Cdata("ToUserName", toUser),
            Cdata("FromUserName", fromAccount),
            new XElement("CreateTime", createTime.ToString(CultureInfo.InvariantCulture)),
            Cdata("MsgType", "text"),
            Cdata("Content", content)).ToString(SaveOptions.DisableFormatting);

    /// <summary>The safe-mode envelope of an encrypted reply.</summary>
    public static string EncryptedReply(string encrypted, string signature, long timestamp, string nonce) =>
        new XElement("xml",
            Cdata("Encrypt", encrypted),
            Cdata("MsgSignature", signature),
            new XElement("TimeStamp", timestamp.ToString(CultureInfo.InvariantCulture)),
            Cdata("Nonce", nonce)).ToString(SaveOptions.DisableFormatting);

    private static XElement Cdata(string name, string value) => new(name, new XCData(value));

    private static string? Text(XElement root, string name) => root.Element(name)?.Value.Trim();

    private static double? Number(XElement root, string name) =>
        double.TryParse(Text(root, name), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;
}
