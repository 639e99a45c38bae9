namespace CivicGrid.Domain.Cases;

/// <summary>The changes of a case that its reporters are told about.</summary>
public enum NoticeKind
{
    /// <summary>已立案.</summary>
    Filed,
    /// <summary>已派遣 to a department.</summary>
    Dispatched,
    /// <summary>The department reported the problem fixed (反馈).</summary>
    Fixed,
    /// <summary>已结案.</summary>
    Closed,
    /// <summary>不予立案, with the reason.</summary>
    Rejected,
    /// <summary>Merged into another case; the reporter now follows that one.</summary>
    Merged,
    /// <summary>Reopened after a dispute or by the centre.</summary>
    Reopened,
}

/// <summary>Which case events a citizen cares about (issue #3 item 10): the single table the outbox writer reads.</summary>
public static class CitizenNotices
{
    /// <summary>The notice an event gives reporters, or null when it is internal (an urge, a postponement…).</summary>
    public static NoticeKind? For(CaseEvent e) => e is CaseTransitioned t
        ? t.Action switch
        {
            CaseAction.File => NoticeKind.Filed,
            CaseAction.Dispatch => NoticeKind.Dispatched,
            CaseAction.Feedback => NoticeKind.Fixed,
            CaseAction.Close => NoticeKind.Closed,
            CaseAction.Reject => NoticeKind.Rejected,
            CaseAction.Merge => NoticeKind.Merged,
            CaseAction.Reopen => NoticeKind.Reopened,
            _ => null,
        }
        : null;
}
