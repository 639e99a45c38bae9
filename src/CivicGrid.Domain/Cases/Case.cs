using System.Text.Json;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Cases;

/// <summary>What a report says: the problem, where, and who reported it.</summary>
public sealed record CaseReport
{
    public required string Description { get; init; }

    public required string CategoryCode { get; init; }

    public Urgency Urgency { get; init; } = Urgency.Normal;

    public CaseSource Source { get; init; } = CaseSource.Inspector;

    public required double Longitude { get; init; }

    public required double Latitude { get; init; }

    public string? Address { get; init; }

    public required string GridCode { get; init; }

    public required string CommunityCode { get; init; }

    public required string StreetCode { get; init; }

    public string? ComponentId { get; init; }

    public string? ReporterName { get; init; }

    public string? ReporterPhone { get; init; }

    /// <summary>The public tracking code; a fresh random one when not given (see <see cref="TrackingCodes"/>).</summary>
    public string? TrackingCode { get; init; }
}

/// <summary>
/// 案卷: one problem in public space on its way round the closed loop. The aggregate owns its
/// status; every change goes through <see cref="Apply"/>, which checks the workflow table, the
/// actor's role and department and the required fields, records history and raises an event.
/// </summary>
public sealed class Case
{
    /// <summary>History details keep Chinese text readable (the console encodes on output).</summary>
    private static readonly JsonSerializerOptions DetailsJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<CaseHistoryEntry> _history = [];
    private readonly List<StageClock> _stages = [];
    private readonly List<CaseEvent> _events = [];
    private readonly List<CoHandlingPart> _coHandling = [];

    private Case()
    {
        Number = string.Empty;
        Description = string.Empty;
        CategoryCode = string.Empty;
        GridCode = string.Empty;
        CommunityCode = string.Empty;
        StreetCode = string.Empty;
        TrackingCode = string.Empty;
    }

    public Guid Id { get; private set; }

    /// <summary>People's case number: year and sequence, e.g. <c>2026-000123</c>.</summary>
    public string Number { get; private set; }

    /// <summary>查询码: the unguessable public handle the reporters follow the case with.</summary>
    public string TrackingCode { get; private set; }

    public CaseStatus Status { get; private set; }

    public string Description { get; private set; }

    public string CategoryCode { get; private set; }

    public Urgency Urgency { get; private set; }

    public CaseSource Source { get; private set; }

    public double Longitude { get; private set; }

    public double Latitude { get; private set; }

    public string? Address { get; private set; }

    public string GridCode { get; private set; }

    public string CommunityCode { get; private set; }

    public string StreetCode { get; private set; }

    public string? ComponentId { get; private set; }

    public string? ReporterName { get; private set; }

    public string? ReporterPhone { get; private set; }

    public Guid ReportedById { get; private set; }

    /// <summary>The department the case is dispatched to (主办).</summary>
    public Guid? DepartmentId { get; private set; }

    /// <summary>The handler inside the main department the case is assigned to; null before dispatch or when the department has no handler.</summary>
    public Guid? AssigneeId { get; private set; }

    /// <summary>协办: the departments that support the main one, each with whether it reported its part done.</summary>
    public IReadOnlyList<CoHandlingPart> CoHandling => _coHandling;

    /// <summary>Result of the on-site verification (核实); null until verified.</summary>
    public bool? Verified { get; private set; }

    /// <summary>Result of the on-site check (核查) of the latest feedback; null until checked.</summary>
    public bool? CheckPassed { get; private set; }

    public PendingRequest PendingRequest { get; private set; }

    /// <summary>The extra time asked for by a pending postponement request.</summary>
    public TimeLimit? RequestedExtension { get; private set; }

    public Guid? DuplicateOfId { get; private set; }

    public int ReworkCount { get; private set; }

    public int ReturnCount { get; private set; }

    public int UrgeCount { get; private set; }

    public int PostponementCount { get; private set; }

    /// <summary>The stage whose clock runs now, if any.</summary>
    public CaseStage? CurrentStage { get; private set; }

    /// <summary>When the current stage turns yellow (80 % of its time used).</summary>
    public DateTimeOffset? CurrentWarnAt { get; private set; }

    /// <summary>When the current stage is due.</summary>
    public DateTimeOffset? CurrentDueAt { get; private set; }

    /// <summary>The current stage passed its deadline and was escalated.</summary>
    public bool IsOverdue { get; private set; }

    public DateTimeOffset ReportedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>Optimistic concurrency token, surfaced as the ETag.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<CaseHistoryEntry> History => _history;

    public IReadOnlyList<StageClock> Stages => _stages;

    /// <summary>Events raised since the case was loaded; the persistence layer drains them into the outbox.</summary>
    public IReadOnlyList<CaseEvent> Events => _events;

    /// <summary>上报: creates a case in <see cref="CaseStatus.Reported"/> and starts the filing clock.</summary>
    public static Case Report(Guid id, string number, CaseReport report, Actor actor, DateTimeOffset now, ISlaPolicy sla)
    {
        Require(!string.IsNullOrWhiteSpace(report.Description), "description", "Describe the problem.");
        Require(report.Description.Length <= 4000, "description", "The description is longer than 4000 characters.");
        Require(CategoryCodeLooksValid(report.CategoryCode), "categoryCode", "A category code has 5 digits.");
        Require(!string.IsNullOrWhiteSpace(number), "number", "A case needs a number.");
        Require(report.TrackingCode is null || TrackingCodes.IsWellFormed(report.TrackingCode), "trackingCode", "A tracking code has 12 base32 characters.");
        Require(report.ReporterName is null || report.ReporterName.Trim().Length <= 100, "reporterName", "The reporter's name is longer than 100 characters.");
        Require(report.ReporterPhone is null || report.ReporterPhone.Trim().Length <= 40, "reporterPhone", "The reporter's phone number is longer than 40 characters.");
        var c = new Case
        {
            Id = id,
            Number = number,
            TrackingCode = report.TrackingCode ?? TrackingCodes.New(),
            Status = CaseStatus.Reported,
            Description = report.Description.Trim(),
            CategoryCode = report.CategoryCode,
            Urgency = report.Urgency,
            Source = report.Source,
            Longitude = report.Longitude,
            Latitude = report.Latitude,
            Address = report.Address?.Trim(),
            GridCode = report.GridCode,
            CommunityCode = report.CommunityCode,
            StreetCode = report.StreetCode,
            ComponentId = report.ComponentId,
            ReporterName = report.ReporterName?.Trim(),
            ReporterPhone = report.ReporterPhone?.Trim(),
            ReportedById = actor.UserId,
            ReportedAt = now,
            UpdatedAt = now,
        };
        c.StartStage(CaseStage.File, now, sla);
        c.Record("report", null, actor, now, null, null);
        c._events.Add(new CaseReported(id, number, now, c.CategoryCode, c.GridCode));
        return c;
    }

    /// <summary>
    /// Erases the reporter's name and phone number (the retention rule for finished cases); the case
    /// and its history stay. Not a workflow step: the version and the history do not change.
    /// </summary>
    /// <returns>True when there was something to erase.</returns>
    /// <exception cref="InvalidOperationException">The case is still open.</exception>
    public bool ErasePersonalData()
    {
        if (Status is not (CaseStatus.Closed or CaseStatus.Rejected or CaseStatus.Merged or CaseStatus.Voided))
        {
            throw new InvalidOperationException($"Case {Number} is still open ({Status}): its reporter's data is kept.");
        }

        if (ReporterName is null && ReporterPhone is null)
        {
            return false;
        }

        ReporterName = null;
        ReporterPhone = null;
        return true;
    }

    /// <summary>The actions this actor may perform now (the API's <c>allowedActions</c>).</summary>
    public IReadOnlyList<CaseAction> AllowedActionsFor(Actor actor) => CaseWorkflow.AllowedFor(this, actor);

    /// <summary>Performs one workflow action.</summary>
    /// <exception cref="InvalidCaseTransitionException">The state does not allow the action now.</exception>
    /// <exception cref="CaseActionForbiddenException">The actor's role or department may not perform it.</exception>
    /// <exception cref="DomainValidationException">A required field is missing or wrong.</exception>
    public void Apply(CaseTransition t, Actor actor, DateTimeOffset now, ISlaPolicy sla)
    {
        var rule = CaseWorkflow.RuleFor(t.Action);
        if (!rule.From.Contains(Status) || !rule.Guard(this))
        {
            throw new InvalidCaseTransitionException(t.Action, Status, CaseWorkflow.AllowedNow(this));
        }

        if (!rule.Roles.Contains(actor.Role))
        {
            throw new CaseActionForbiddenException(t.Action, $"the role {actor.Role} cannot.");
        }

        if (rule.DepartmentBound && (actor.DepartmentId is null || actor.DepartmentId != DepartmentId))
        {
            throw new CaseActionForbiddenException(t.Action, "the case is assigned to another department.");
        }

        if (rule.CoHandlingBound)
        {
            var part = PartOf(actor) ?? throw new CaseActionForbiddenException(t.Action, "your department does not support this case (协办).");
            if (t.Action == CaseAction.CoHandlingDone && part.IsDone)
            {
                throw new InvalidCaseTransitionException(t.Action, Status, CaseWorkflow.AllowedFor(this, actor));
            }
        }

        RequireFields(rule, t);
        var from = Status;
        switch (t.Action)
        {
            case CaseAction.RequestVerification:
                // The filing clock waits while an inspector verifies on site (the verify stage has its own limit).
                OpenStage(CaseStage.File)?.Pause(now);
                StartStage(CaseStage.Verify, now, sla);
                break;
            case CaseAction.Verify:
                Verified = t.Passed;
                FinishStage(CaseStage.Verify, now);
                if (OpenStage(CaseStage.File) is { } filing)
                {
                    filing.Resume(now, sla.Calendar);
                    SyncCurrent(filing);
                }

                break;
            case CaseAction.File:
                if (t.CategoryCode is not null)
                {
                    Require(CategoryCodeLooksValid(t.CategoryCode), "categoryCode", "A category code has 5 digits.");
                    CategoryCode = t.CategoryCode;
                }

                Urgency = t.Urgency ?? Urgency;
                FinishStage(CaseStage.File, now);
                StartStage(CaseStage.Dispatch, now, sla);
                break;
            case CaseAction.Reject:
            case CaseAction.Void:
                FinishAllStages(now, sla);
                break;
            case CaseAction.Merge:
                Require(t.DuplicateOfId != Id, "duplicateOfId", "A case cannot be a duplicate of itself.");
                DuplicateOfId = t.DuplicateOfId;
                FinishAllStages(now, sla);
                break;
            case CaseAction.Dispatch:
                var parts = CheckDispatch(t);
                DepartmentId = t.DepartmentId;
                AssigneeId = t.AssigneeId;
                _coHandling.Clear();
                _coHandling.AddRange(parts.Select(d => new CoHandlingPart(d, now)));
                FinishStage(CaseStage.Dispatch, now);
                StartStage(CaseStage.Handle, now, sla);
                break;
            case CaseAction.Accept:
                // Whoever signs for an unassigned case takes it.
                AssigneeId ??= actor.UserId;
                break;
            case CaseAction.Return:
                ReturnCount++;
                FinishStage(CaseStage.Handle, now);
                ClearDispatch();
                StartStage(CaseStage.Dispatch, now, sla);
                break;
            case CaseAction.Feedback:
                CheckPassed = null;
                FinishStage(CaseStage.Handle, now);
                StartStage(CaseStage.Check, now, sla);
                break;
            case CaseAction.Check:
                CheckPassed = t.Passed;
                FinishStage(CaseStage.Check, now);
                break;
            case CaseAction.Close:
                ClosedAt = now;
                break;
            case CaseAction.Rework:
                ReworkCount++;
                CheckPassed = null;
                FinishAllStages(now, sla);
                StartStage(CaseStage.Handle, now, sla);
                break;
            case CaseAction.RequestPostponement:
                Require(t.Extension is { Value: > 0 }, "extension", "Ask for a positive extra time.");
                PendingRequest = PendingRequest.Postponement;
                RequestedExtension = t.Extension;
                break;
            case CaseAction.ApprovePostponement:
                var handle = OpenStage(CaseStage.Handle);
                if (handle is not null && RequestedExtension is { } extra)
                {
                    handle.Extend(extra, sla.Calendar);
                    SyncCurrent(handle);
                }

                PostponementCount++;
                ClearRequest();
                break;
            case CaseAction.RejectPostponement:
            case CaseAction.RejectSuspension:
                ClearRequest();
                break;
            case CaseAction.RequestSuspension:
                PendingRequest = PendingRequest.Suspension;
                break;
            case CaseAction.ApproveSuspension:
                ClearRequest();
                foreach (var stage in _stages.Where(s => s.FinishedAt is null))
                {
                    stage.Pause(now);
                }

                CurrentWarnAt = null;
                CurrentDueAt = null;
                IsOverdue = false;
                break;
            case CaseAction.LiftSuspension:
                foreach (var stage in _stages.Where(s => s.FinishedAt is null && s.PausedAt is not null))
                {
                    stage.Resume(now, sla.Calendar);
                    SyncCurrent(stage);
                }

                break;
            case CaseAction.Urge:
                UrgeCount++;
                break;
            case CaseAction.Dispute:
                PendingRequest = PendingRequest.ReturnVisit;
                break;
            case CaseAction.ReturnVisit:
                ClearRequest();
                break;
            case CaseAction.Reopen:
                ClearRequest();
                ClosedAt = null;
                CheckPassed = null;
                Verified = null;

                // Filed and Reported cases belong to no department; a case voided while dispatched still names one.
                ClearDispatch();
                if (Status == CaseStatus.Closed)
                {
                    Status = CaseStatus.Filed;
                    StartStage(CaseStage.Dispatch, now, sla);
                }
                else
                {
                    Status = CaseStatus.Reported;
                    StartStage(CaseStage.File, now, sla);
                }

                break;
            case CaseAction.CoHandlingNote:
                break;
            case CaseAction.CoHandlingDone:
                PartOf(actor)!.MarkDone(actor, now, t.Result!.Trim());
                break;
            default:
                throw new InvalidCaseTransitionException(t.Action, Status, CaseWorkflow.AllowedNow(this));
        }

        if (rule.To is { } to)
        {
            Status = to;
        }

        if (CaseWorkflow.IsTerminal(Status) && from != Status)
        {
            CurrentStage = null;
            CurrentWarnAt = null;
            CurrentDueAt = null;
            IsOverdue = false;

            // A request still waiting (a case voided while a suspension was asked for) dies with the case;
            // left behind, it would survive a reopen and block the department's steps on the next round.
            ClearRequest();
        }

        UpdatedAt = now;
        Record(CaseActions.ToApiName(t.Action), from, actor, now, t.Note, Details(t));
        _events.Add(new CaseTransitioned(Id, Number, now, t.Action, from, Status, DepartmentId, t.Note?.Trim()));
    }

    /// <summary>
    /// 我也遇到: another person reports the same problem and joins this case instead of filing a
    /// new one. Recorded in the history (without their contact details); the status does not change.
    /// </summary>
    /// <exception cref="DomainValidationException">The case has ended (closed, rejected, merged or voided).</exception>
    public void RecordReporterJoined(CaseSource channel, Actor actor, DateTimeOffset now)
    {
        Require(!CaseWorkflow.IsTerminal(Status), "caseNumber", "The case has ended; report the problem as a new case.");
        UpdatedAt = now;
        Record("meToo", Status, actor, now, null, JsonSerializer.Serialize(new Dictionary<string, object?>(StringComparer.Ordinal) { ["channel"] = channel.ToString() }, DetailsJson));
        _events.Add(new CaseReporterJoined(Id, Number, now, channel));
    }

    /// <summary>
    /// 评价: a reporter rates the result of a closed case (1–5, with a comment). A rating of 2 or
    /// less, or an explicit dispute, goes on as <see cref="CaseAction.Dispute"/>: the case waits
    /// for the supervisor's return visit (回访) or reopening.
    /// </summary>
    /// <exception cref="DomainValidationException">The stars are not 1–5, or a dispute has no comment.</exception>
    /// <exception cref="InvalidCaseTransitionException">The case is not closed, or a dispute already waits.</exception>
    public void Rate(int stars, string? comment, bool dispute, Actor actor, DateTimeOffset now, ISlaPolicy sla)
    {
        Require(stars is >= 1 and <= 5, "stars", "Rate from 1 to 5 stars.");
        Require(comment is null || comment.Length <= 1000, "comment", "The comment is longer than 1000 characters.");
        var disputed = dispute || stars <= LowRating;
        if (Status != CaseStatus.Closed || (disputed && !CaseWorkflow.RuleFor(CaseAction.Dispute).Guard(this)))
        {
            throw new InvalidCaseTransitionException(CaseAction.Dispute, Status, CaseWorkflow.AllowedNow(this));
        }

        UpdatedAt = now;
        Record("rate", Status, actor, now, comment, JsonSerializer.Serialize(new Dictionary<string, object?>(StringComparer.Ordinal) { ["stars"] = stars }, DetailsJson));
        _events.Add(new CaseRated(Id, Number, now, stars));
        if (disputed)
        {
            var note = string.IsNullOrWhiteSpace(comment) ? $"评价 {stars} 星" : comment;
            Apply(new CaseTransition(CaseAction.Dispute) { Note = note }, actor, now, sla);
        }
    }

    /// <summary>Ratings at or below this many stars dispute the result.</summary>
    public const int LowRating = 2;

    /// <summary>
    /// Marks the running stage overdue once its deadline has passed (the deadline job calls this).
    /// Returns whether anything changed, so running it twice is harmless.
    /// </summary>
    public bool MarkOverdue(DateTimeOffset now)
    {
        if (IsOverdue || CurrentDueAt is not { } due || now <= due || CurrentStage is not { } stage)
        {
            return false;
        }

        IsOverdue = true;
        UpdatedAt = now;
        Record("overdue", Status, Actor.System, now, $"{stage} stage overdue since {due:O}", null);
        _events.Add(new CaseStageOverdue(Id, Number, now, stage, due));
        return true;
    }

    /// <summary>
    /// Notes in the history that the sensor alarm which filed the case has cleared (告警解除) while
    /// the case is still waiting to be handled; the status does not change. Returns false, and
    /// records nothing, once the department has reported back or the case has ended.
    /// </summary>
    public bool RecordAlarmCleared(Guid alarmId, Actor actor, DateTimeOffset now, string note)
    {
        if (CaseWorkflow.IsTerminal(Status) || Status == CaseStatus.Checking)
        {
            return false;
        }

        UpdatedAt = now;
        Record("alarmCleared", Status, actor, now, note, JsonSerializer.Serialize(new Dictionary<string, object?>(StringComparer.Ordinal) { ["alarmId"] = alarmId }, DetailsJson));
        _events.Add(new CaseAlarmCleared(Id, Number, now, alarmId));
        return true;
    }

    /// <summary>The traffic light of the running stage at a moment.</summary>
    public Light LightAt(DateTimeOffset now) => LightOf(CurrentWarnAt, CurrentDueAt, now);

    /// <summary>Green, yellow from the warning instant, red after the due instant; green with no clock.</summary>
    public static Light LightOf(DateTimeOffset? warnAt, DateTimeOffset? dueAt, DateTimeOffset now) =>
        dueAt is not { } due ? Light.Green
        : now > due ? Light.Red
        : warnAt is { } warn && now >= warn ? Light.Yellow
        : Light.Green;

    /// <summary>Forgets the raised events once they are in the outbox.</summary>
    public void ClearEvents() => _events.Clear();

    private static bool CategoryCodeLooksValid(string? code) =>
        code is { Length: 5 } && code.All(char.IsAsciiDigit);

    private static void Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            throw new DomainValidationException(field, message);
        }
    }

    private static void RequireFields(WorkflowRule rule, CaseTransition t)
    {
        foreach (var field in rule.RequiredFields)
        {
            var present = field switch
            {
                "note" => !string.IsNullOrWhiteSpace(t.Note),
                "departmentId" => t.DepartmentId is not null && t.DepartmentId != Guid.Empty,
                "duplicateOfId" => t.DuplicateOfId is not null && t.DuplicateOfId != Guid.Empty,
                "passed" => t.Passed is not null,
                "result" => !string.IsNullOrWhiteSpace(t.Result),
                "extension" => t.Extension is not null,
                _ => true,
            };
            Require(present, field, $"'{field}' is required for '{CaseActions.ToApiName(rule.Action)}'.");
        }

        Require(t.Note is null || t.Note.Length <= 2000, "note", "The note is longer than 2000 characters.");
        Require(t.Result is null || t.Result.Length <= 4000, "result", "The result is longer than 4000 characters.");
    }

    /// <summary>The co-handling part of the actor's department, if it supports this case.</summary>
    public CoHandlingPart? PartOf(Actor actor) =>
        actor.DepartmentId is { } d ? _coHandling.FirstOrDefault(p => p.DepartmentId == d) : null;

    /// <summary>
    /// Whether a dispatch departs from the planner's suggestion: another main department than the
    /// one suggested, or, in the suggested department, another handler than the one suggested.
    /// </summary>
    public static bool IsOverride(CaseTransition t) =>
        t.Suggestion is { } s
        && ((s.DepartmentId is { } suggested && t.DepartmentId != suggested)
            || (t.DepartmentId == s.DepartmentId && s.AssigneeId is { } handler && t.AssigneeId != handler));

    /// <summary>Checks a dispatch before anything changes; returns the supporting departments.</summary>
    private static List<Guid> CheckDispatch(CaseTransition t)
    {
        var parts = (t.CoHandlingDepartmentIds ?? []).Distinct().ToList();
        Require(!parts.Contains(t.DepartmentId!.Value), "coHandlingDepartmentIds", "The main department (主办) cannot also be a supporting department (协办).");
        Require(parts.Count <= MaxCoHandling, "coHandlingDepartmentIds", $"At most {MaxCoHandling} supporting departments.");
        Require(t.Reason is null || t.Reason.Length <= 1000, "reason", "The reason is longer than 1000 characters.");
        Require(!IsOverride(t) || !string.IsNullOrWhiteSpace(t.Reason), "reason", "Give a reason for choosing another department or handler than suggested.");
        return parts;
    }

    /// <summary>The most supporting departments one case may have.</summary>
    public const int MaxCoHandling = 10;

    private void ClearDispatch()
    {
        DepartmentId = null;
        AssigneeId = null;
        _coHandling.Clear();
    }

    private static string? Details(CaseTransition t)
    {
        var details = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (t.DepartmentId is { } d)
        {
            details["departmentId"] = d;
        }

        if (t.Action == CaseAction.Dispatch)
        {
            details["assigneeId"] = t.AssigneeId;
            details["coHandlingDepartmentIds"] = (t.CoHandlingDepartmentIds ?? []).Distinct().ToList();
            if (t.Suggestion is { } s)
            {
                details["suggestedDepartmentId"] = s.DepartmentId;
                details["suggestedAssigneeId"] = s.AssigneeId;
                details["suggestedCoHandlingDepartmentIds"] = s.SupportingDepartmentIds;
                details["basis"] = s.Basis.ToString();
                details["overridden"] = IsOverride(t);
            }

            if (!string.IsNullOrWhiteSpace(t.Reason))
            {
                details["reason"] = t.Reason.Trim();
            }
        }

        if (t.DuplicateOfId is { } dup)
        {
            details["duplicateOfId"] = dup;
        }

        if (t.Passed is { } p)
        {
            details["passed"] = p;
        }

        if (t.Result is { } r)
        {
            details["result"] = r;
        }

        if (t.Extension is { } e)
        {
            details["extension"] = e.ToString();
        }

        if (t.CategoryCode is { } cat)
        {
            details["categoryCode"] = cat;
        }

        if (t.Urgency is { } u)
        {
            details["urgency"] = u.ToString();
        }

        if (t.AttachmentIds.Count > 0)
        {
            details["attachmentIds"] = t.AttachmentIds;
        }

        return details.Count == 0 ? null : JsonSerializer.Serialize(details, DetailsJson);
    }

    private void Record(string action, CaseStatus? from, Actor actor, DateTimeOffset now, string? note, string? details)
    {
        // The version counts the steps, so it doubles as the next history sequence without loading the history.
        Version++;
        _history.Add(new CaseHistoryEntry(Id, Version, action, from, Status, actor, now, note?.Trim(), details));
    }

    private void ClearRequest()
    {
        PendingRequest = PendingRequest.None;
        RequestedExtension = null;
    }

    private StageClock? OpenStage(CaseStage stage) =>
        _stages.LastOrDefault(s => s.Stage == stage && s.FinishedAt is null);

    private void StartStage(CaseStage stage, DateTimeOffset now, ISlaPolicy sla)
    {
        var clock = StageClock.Start(stage, now, sla.LimitFor(CategoryCode, Urgency, stage), sla.Calendar);
        _stages.Add(clock);
        SyncCurrent(clock);
    }

    private void SyncCurrent(StageClock clock)
    {
        CurrentStage = clock.Stage;
        CurrentDueAt = clock.DueAt;
        CurrentWarnAt = clock.WarningAt;
        IsOverdue = false;
    }

    private void FinishStage(CaseStage stage, DateTimeOffset now)
    {
        OpenStage(stage)?.Finish(now);
        var running = _stages.LastOrDefault(s => s.FinishedAt is null && s.PausedAt is null);
        if (running is null)
        {
            CurrentStage = null;
            CurrentDueAt = null;
            CurrentWarnAt = null;
            IsOverdue = false;
        }
    }

    private void FinishAllStages(DateTimeOffset now, ISlaPolicy sla)
    {
        foreach (var stage in _stages.Where(s => s.FinishedAt is null))
        {
            if (stage.IsPaused)
            {
                stage.Resume(now, sla.Calendar);
            }

            stage.Finish(now);
        }

        CurrentStage = null;
        CurrentDueAt = null;
        CurrentWarnAt = null;
        IsOverdue = false;
    }
}
