using System.Globalization;
using System.Text;
using CivicGrid.Server.Features.WebConsole;

namespace CivicGrid.Server.Features.WeChat;

/// <summary>What the account says in a chat, in Simplified Chinese (default) or English.</summary>
public sealed class WeChatText
{
    public static WeChatText Zh { get; } = new()
    {
        Culture = "zh-CN",
        Welcome = "您好，这里是城市管理“随手拍”。\n1. 发送文字描述问题；\n2. 可以发送照片；\n3. 点击“＋”→“位置”发送问题地点。\n内容齐全后自动受理并回复查询码。发送“查询 查询码”查看进度，发送“取消”放弃本次上报。",
        AskLocation = "已收到问题描述。请发送问题地点：点击“＋”→“位置”。",
        OutsideDistrict = "该位置不在本区管辖范围内，请重新发送问题地点。",
        Unsupported = "暂不支持此类消息，请发送文字、照片或位置。",
        Cancelled = "已取消本次上报。",
        UnknownCode = "未找到该查询码对应的案件，请核对后再试。",
    };

    public static WeChatText En { get; } = new()
    {
        Culture = "en",
        Welcome = "Hello, this is the city's problem reporting service.\n1. Describe the problem in a message;\n2. send photos if you like;\n3. send the place: tap + then Location.\nOnce complete, the report is filed and you get a tracking code. Send \"track CODE\" to follow it, \"cancel\" to drop this report.",
        AskLocation = "Description received. Please send the place: tap + then Location.",
        OutsideDistrict = "That place is outside the district. Please send the place again.",
        Unsupported = "This kind of message is not supported; send text, photos or a location.",
        Cancelled = "Report cancelled.",
        UnknownCode = "No case has this tracking code; please check it and try again.",
    };

    public required string Culture { get; init; }

    public required string Welcome { get; init; }

    public required string AskLocation { get; init; }

    public required string OutsideDistrict { get; init; }

    public required string Unsupported { get; init; }

    public required string Cancelled { get; init; }

    public required string UnknownCode { get; init; }

    public static WeChatText For(string? culture) => culture == "en" ? En : Zh;

    public string AskDescription(string? placeLabel) => Culture == "en"
        ? placeLabel is null ? "Please describe the problem in a message." : $"Place received ({placeLabel}). Please describe the problem in a message."
        : placeLabel is null ? "请用文字描述问题。" : $"已收到位置（{placeLabel}）。请用文字描述问题。";

    public string PhotoReceived(int count) => Culture == "en" ? $"Photo received ({count} in all)." : $"已收到照片（共 {count} 张）。";

    public string PhotoLine(string url) => Culture == "en" ? $"[WeChat photo] {url}" : $"[微信图片] {url}";

    public string Menu(IReadOnlyList<string> names)
    {
        var b = new StringBuilder(Culture == "en" ? "Which kind of problem is it? Reply with its number:" : "请回复序号选择问题类型：");
        for (var i = 0; i < names.Count; i++)
        {
            b.Append('\n').Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append(". ").Append(names[i]);
        }

        return b.ToString();
    }

    public string Filed(string number, string trackingCode, string? url)
    {
        var follow = url is null ? string.Empty : Culture == "en" ? $" or open {url}" : $"或打开 {url} ";
        return Culture == "en"
            ? $"Thank you, your report is filed as case {number}. Tracking code: {trackingCode}.\nSend \"track {trackingCode}\"{follow} to follow it; we will tell you here as it progresses."
            : $"感谢您的反映，已受理，案件编号 {number}，查询码 {trackingCode}。\n发送“查询 {trackingCode}”{follow}可查看办理进度，进展将通过公众号通知您。";
    }

    public string Progress(string number, string category, string status, string? lastStep, DateTimeOffset? lastAt, string? url)
    {
        var when = BeijingTime.Format(lastAt);
        var b = new StringBuilder(Culture == "en" ? $"Case {number} ({category}): {status}." : $"案件 {number}（{category}）当前状态：{status}。");
        if (lastStep is not null)
        {
            b.Append('\n').Append(Culture == "en" ? $"Latest step: {lastStep}, {when}." : $"最近进展：{lastStep}，{when}。");
        }

        if (url is not null)
        {
            b.Append('\n').Append(url);
        }

        return b.ToString();
    }
}
