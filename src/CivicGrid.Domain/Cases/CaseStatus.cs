namespace CivicGrid.Domain.Cases;

/// <summary>Where a case stands in the closed loop. Stored by name.</summary>
public enum CaseStatus
{
    /// <summary>上报: reported, waiting for the centre to file, reject or merge it.</summary>
    Reported,
    /// <summary>核实中: an inspector was asked to verify on site that the problem exists.</summary>
    Verifying,
    /// <summary>已立案: filed, waiting for dispatch (also after a department returned it).</summary>
    Filed,
    /// <summary>已派遣: sent to a department, waiting for it to accept.</summary>
    Dispatched,
    /// <summary>处置中: the department is fixing the problem.</summary>
    Handling,
    /// <summary>挂账: cannot be fixed now; the clock is paused until the suspension is lifted.</summary>
    Suspended,
    /// <summary>待核查: the department reported back; an on-site check decides close or rework.</summary>
    Checking,
    /// <summary>已结案: closed.</summary>
    Closed,
    /// <summary>不予立案: rejected at filing.</summary>
    Rejected,
    /// <summary>已合并: a duplicate merged into another case.</summary>
    Merged,
    /// <summary>已作废: voided.</summary>
    Voided,
}

/// <summary>Every workflow action. The API takes the camelCase name (<c>"dispatch"</c>).</summary>
public enum CaseAction
{
    /// <summary>派发核实: ask an inspector to verify the report on site.</summary>
    RequestVerification,
    /// <summary>核实: the inspector reports whether the problem exists.</summary>
    Verify,
    /// <summary>立案.</summary>
    File,
    /// <summary>不予立案.</summary>
    Reject,
    /// <summary>合并: mark as a duplicate of another case.</summary>
    Merge,
    /// <summary>派遣 to a department.</summary>
    Dispatch,
    /// <summary>签收: the department accepts the task.</summary>
    Accept,
    /// <summary>回退: the department says it is not responsible; back to the dispatcher.</summary>
    Return,
    /// <summary>反馈: the department reports the result.</summary>
    Feedback,
    /// <summary>核查: the on-site check of the result (passed or not).</summary>
    Check,
    /// <summary>结案.</summary>
    Close,
    /// <summary>返工: back to the same department.</summary>
    Rework,
    /// <summary>延期申请.</summary>
    RequestPostponement,
    /// <summary>延期批准.</summary>
    ApprovePostponement,
    /// <summary>延期驳回.</summary>
    RejectPostponement,
    /// <summary>挂账申请.</summary>
    RequestSuspension,
    /// <summary>挂账批准.</summary>
    ApproveSuspension,
    /// <summary>挂账驳回.</summary>
    RejectSuspension,
    /// <summary>解除挂账.</summary>
    LiftSuspension,
    /// <summary>督办.</summary>
    Urge,
    /// <summary>作废.</summary>
    Void,
    /// <summary>重新打开 a closed, rejected or voided case.</summary>
    Reopen,
    /// <summary>异议: the reporter disputes the result of a closed case (or rated it low); it waits for a return visit.</summary>
    Dispute,
    /// <summary>回访: the centre visited or called the reporter and keeps the case closed.</summary>
    ReturnVisit,
    /// <summary>协办备注: a supporting department adds a note to the case.</summary>
    CoHandlingNote,
    /// <summary>协办完成: a supporting department reports its part done.</summary>
    CoHandlingDone,
}

/// <summary>A request that waits for the dispatcher's decision.</summary>
public enum PendingRequest
{
    None,
    Postponement,
    Suspension,
    /// <summary>回访: a reporter disputed the closure; the supervisor revisits or reopens.</summary>
    ReturnVisit,
}

/// <summary>How a case reached the centre.</summary>
public enum CaseSource
{
    /// <summary>监督员上报.</summary>
    Inspector,
    /// <summary>公众举报 on the web or an app.</summary>
    Public,
    /// <summary>12345 热线.</summary>
    Hotline,
    /// <summary>微信公众号.</summary>
    WeChat,
    /// <summary>Open311 client.</summary>
    Open311,
    /// <summary>传感器告警.</summary>
    Sensor,
    /// <summary>视频/AI 发现.</summary>
    Video,
    /// <summary>领导批示 or 部门转办.</summary>
    Referral,
}
