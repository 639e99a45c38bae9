using System.Globalization;
using System.Text.RegularExpressions;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Intake;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.WeChat;

/// <summary>
/// Leads a citizen through a report in the chat: a description, photos and the place (WeChat sends
/// GCJ-02, converted here), in any order; a category from the classifier or, when it cannot tell,
/// from a numbered menu; then the report is filed through <see cref="ReportIntake"/> (source
/// WeChat, the OpenID kept for progress messages) and answered with the case number and tracking
/// code. "查询 CODE" answers a case's progress; "取消" drops the unfinished report.
/// Every answer is computed inside the caller's transaction, which also records the message.
/// </summary>
public sealed partial class WeChatDialog(ReportIntake intake, PublicCases publicCases, IOptions<WeChatOptions> options)
{
    /// <summary>
    /// The classifier's confidence below which the citizen is asked to pick the category. Above it the
    /// report is filed under the classifier's choice and routed like any other report without a
    /// category (filed and dispatched by the system, or queued for an operator; see <see cref="IntakeOptions"/>).
    /// </summary>
    public const double SuggestionThreshold = 0.5;

    private const int MaxPictures = 9;

    private CivicGridDbContext Db => intake.Db;

    /// <summary>The text to answer a message with (changes are added to the context, not saved).</summary>
    public async Task<string> AnswerAsync(WeChatMessage m, CancellationToken ct)
    {
        var now = intake.Clock.GetUtcNow();
        var draft = await Db.WeChatConversations.FirstOrDefaultAsync(c => c.OpenId == m.FromUserName, ct);
        if (draft is not null && now - draft.UpdatedAt > options.Value.DraftLifetime)
        {
            Db.WeChatConversations.Remove(draft);
            draft = null;
        }

        var text = WeChatText.For(draft?.Language ?? LanguageOf(m.Content));
        switch (m.MsgType)
        {
            case "event":
                return m.Event == "subscribe" ? text.Welcome : string.Empty;
            case "text":
                return await OnTextAsync(m, draft, text, now, ct);
            case "image" when !string.IsNullOrEmpty(m.PicUrl):
                draft ??= Start(m, text, now);
                var pictures = (draft.PictureUrls ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
                if (pictures.Count < MaxPictures && m.PicUrl.Length <= 400)
                {
                    pictures.Add(m.PicUrl);
                }

                draft.PictureUrls = string.Join('\n', pictures);
                draft.UpdatedAt = now;
                return text.PhotoReceived(pictures.Count) + "\n" + await NextAsync(draft, text, now, ct);
            case "location" when m.LocationX is { } lat && m.LocationY is { } lon:
                draft ??= Start(m, text, now);
                try
                {
                    var place = await intake.LocateAsync(lon, lat, "gcj02", ct);
                    draft.Longitude = place.Longitude;
                    draft.Latitude = place.Latitude;
                    draft.Address = m.Label is { Length: > 0 and <= 256 } label ? label : null;
                }
                catch (DomainValidationException)
                {
                    draft.UpdatedAt = now;
                    return text.OutsideDistrict;
                }

                draft.UpdatedAt = now;
                return await NextAsync(draft, text, now, ct);
            default:
                return text.Unsupported;
        }
    }

    private async Task<string> OnTextAsync(WeChatMessage m, WeChatConversation? draft, WeChatText text, DateTimeOffset now, CancellationToken ct)
    {
        var content = (m.Content ?? string.Empty).Trim();
        if (content.Length == 0 || IsHelp(content))
        {
            return text.Welcome;
        }

        if (IsCancel(content))
        {
            if (draft is not null)
            {
                Db.WeChatConversations.Remove(draft);
            }

            return text.Cancelled;
        }

        if (TrackCommand().Match(content) is { Success: true } track)
        {
            return await ProgressAsync(track.Groups["code"].Value, text, ct);
        }

        if (draft is { AwaitingCategory: true } && int.TryParse(content, NumberStyles.None, CultureInfo.InvariantCulture, out var pick))
        {
            var menu = options.Value.MenuCategories;
            if (pick < 1 || pick > menu.Count)
            {
                return await MenuAsync(text, ct);
            }

            return await FileAsync(draft, menu[pick - 1], verdict: null, text, now, ct);
        }

        draft ??= Start(m, text, now);
        draft.Description = draft.Description is null || draft.AwaitingCategory
            ? Bounded(content)
            : Bounded(draft.Description + "\n" + content);
        draft.AwaitingCategory = false;
        draft.UpdatedAt = now;
        return await NextAsync(draft, text, now, ct);
    }

    /// <summary>Asks for what is missing, or files the report when it is complete.</summary>
    private async Task<string> NextAsync(WeChatConversation draft, WeChatText text, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(draft.Description))
        {
            return draft.Longitude is null ? text.AskDescription(null) : text.AskDescription(draft.Address);
        }

        if (draft.Longitude is null)
        {
            return text.AskLocation;
        }

        var verdict = await intake.ClassifyAsync(draft.Description, ct);
        if (verdict is not null && verdict.Top.Probability >= SuggestionThreshold)
        {
            return await FileAsync(draft, verdict.Top.CategoryCode, verdict, text, now, ct);
        }

        draft.AwaitingCategory = true;
        return await MenuAsync(text, ct);
    }

    private async Task<string> MenuAsync(WeChatText text, CancellationToken ct)
    {
        var codes = options.Value.MenuCategories;
        var names = await Db.Categories.AsNoTracking()
            .Where(c => c.Kind == CategoryKind.Event && c.IsActive && codes.Contains(c.Code))
            .ToDictionaryAsync(c => c.Code, c => text.Culture == "en" ? c.NameEn : c.NameZh, ct);
        return text.Menu(codes.Select(c => names.GetValueOrDefault(c, c)).ToList());
    }

    private async Task<string> FileAsync(WeChatConversation draft, string categoryCode, ClassifierVerdict? verdict, WeChatText text, DateTimeOffset now, CancellationToken ct)
    {
        await intake.CategoryAsync(categoryCode, ct);
        var place = await intake.LocateAsync(draft.Longitude, draft.Latitude, "wgs84", ct);
        var description = draft.Description!;
        if (!string.IsNullOrEmpty(draft.PictureUrls))
        {
            // The photos stay on WeChat's servers; the case keeps where they are.
            description = Bounded(description + "\n" + string.Join('\n', draft.PictureUrls.Split('\n').Select(u => text.PhotoLine(u))));
        }

        var report = new CaseReport
        {
            Description = description,
            CategoryCode = categoryCode,
            Source = CaseSource.WeChat,
            Longitude = place.Longitude,
            Latitude = place.Latitude,
            Address = draft.Address,
            GridCode = place.Location.GridCode,
            CommunityCode = place.Location.CommunityCode,
            StreetCode = place.Location.StreetCode,
        };
        var sla = await intake.SlaAsync(ct);
        var contact = new ReporterContact(null, null, null, NotifyBy.WeChat, text.Culture, draft.OpenId);
        var filed = await intake.ReportInTransactionAsync(report, ReportIntake.Citizen, contact, verdict, now, sla, ct);
        Db.WeChatConversations.Remove(draft);
        return text.Filed(filed.Case.Number, filed.Case.TrackingCode, TrackingUrl(filed.Case.TrackingCode));
    }

    private async Task<string> ProgressAsync(string code, WeChatText text, CancellationToken ct)
    {
        Case found;
        try
        {
            found = await publicCases.FindAsync(code, tracking: false, ct);
        }
        catch (NotFoundException)
        {
            return text.UnknownCode;
        }

        var view = await publicCases.ViewAsync(found, ct);
        var last = view.Steps.Count > 0 ? view.Steps[^1] : null;
        return text.Progress(
            view.CaseNumber,
            text.Culture == "en" ? view.CategoryNameEn ?? view.CategoryCode : view.CategoryName ?? view.CategoryCode,
            text.Culture == "en" ? view.StatusNameEn : view.StatusName,
            last is null ? null : (text.Culture == "en" ? last.NameEn : last.Name),
            last?.At,
            TrackingUrl(view.TrackingCode));
    }

    private WeChatConversation Start(WeChatMessage m, WeChatText text, DateTimeOffset now)
    {
        var draft = new WeChatConversation { OpenId = m.FromUserName, Language = text.Culture, UpdatedAt = now };
        Db.WeChatConversations.Add(draft);
        return draft;
    }

    private string? TrackingUrl(string code) =>
        string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : $"{options.Value.PublicBaseUrl.TrimEnd('/')}/track/{code}";

    /// <summary>English when the citizen writes Latin text only; Simplified Chinese otherwise.</summary>
    private static string LanguageOf(string? content) =>
        content is { Length: > 0 } && content.Any(char.IsAsciiLetter) && !content.Any(ch => ch >= '\u3400') ? "en" : "zh-CN";

    private static bool IsHelp(string s) => s is "帮助" or "?" or "？" or "上报" || s.Equals("help", StringComparison.OrdinalIgnoreCase) || s.Equals("report", StringComparison.OrdinalIgnoreCase);

    private static bool IsCancel(string s) => s is "取消" || s.Equals("cancel", StringComparison.OrdinalIgnoreCase);

    private static string Bounded(string s) => s.Length <= 2000 ? s : s[..2000];

    [GeneratedRegex(@"^(?:查询|查詢|track)\s*[:：]?\s*(?<code>[0-9A-Za-z\- ]{12,16})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TrackCommand();
}
