using CivicGrid.Domain.Cases;

namespace CivicGrid.Server.Features.Intake;

/// <summary>A description to classify.</summary>
public sealed record SuggestCategoryRequest(string? Description);

/// <summary>The classifier's suggestions, best first (empty when no model is trained).</summary>
public sealed record SuggestCategoryReply(IReadOnlyList<SuggestedCategory> Suggestions);

/// <summary>Where and what a citizen is about to report, to look for the same problem already reported.</summary>
public sealed record DuplicateLookupRequest(double? Longitude, double? Latitude, string? CoordinateSystem, string? CategoryCode, string? Description);

/// <summary>An open case nearby that may be the same problem; "me too" joins it by its number.</summary>
public sealed record DuplicateDto(
    string CaseNumber, string CategoryCode, string? CategoryName, string? CategoryNameEn, CaseStatus Status, string StatusName,
    string Description, double DistanceMetres, DateTimeOffset ReportedAt, double Score);

/// <summary>"Me too": how to reach the person joining (all optional).</summary>
public sealed record MeTooRequest(string? Phone, string? Email, NotifyBy? NotifyBy, string? Language);

/// <summary>
/// What a reporter keeps: the tracking code to follow the case and the secret to rate it (shown
/// once, never again), the people's case number and where to follow it.
/// </summary>
public sealed record ReportReceipt(string TrackingCode, string Secret, string CaseNumber, string CategoryCode, CaseStatus Status, string TrackingUrl, bool JoinedExisting);

/// <summary>A case as the public sees it by its tracking code: no personal data, no internal ids.</summary>
public sealed record PublicCaseDto(
    string TrackingCode,
    string CaseNumber,
    CaseStatus Status,
    string StatusName,
    string StatusNameEn,
    string CategoryCode,
    string? CategoryName,
    string? CategoryNameEn,
    string Description,
    string? Address,
    DateTimeOffset ReportedAt,
    DateTimeOffset? ClosedAt,
    bool AwaitingReturnVisit,
    bool CanRate,
    IReadOnlyList<PublicStepDto> Steps);

/// <summary>One public step: what happened and when; a rejection carries its reason.</summary>
public sealed record PublicStepDto(string Action, string Name, string NameEn, CaseStatus Status, DateTimeOffset At, string? Reason);

/// <summary>A reporter's rating: the secret from the receipt, 1–5 stars, a comment, and whether they dispute the result.</summary>
public sealed record RatingRequest(string? Secret, int? Stars, string? Comment, bool? Dispute);
