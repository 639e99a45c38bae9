namespace CivicGrid.Domain.Cases;

/// <summary>The action is not possible in the case's current state (maps to 409 with the allowed actions).</summary>
public sealed class InvalidCaseTransitionException : Exception
{
    public InvalidCaseTransitionException(CaseAction action, CaseStatus status, IReadOnlyList<CaseAction> allowed)
        : base($"Action '{CaseActions.ToApiName(action)}' is not allowed while the case is {status}.")
    {
        Action = action;
        Status = status;
        Allowed = allowed;
    }

    public InvalidCaseTransitionException()
        : this(CaseAction.File, CaseStatus.Reported, [])
    {
    }

    public InvalidCaseTransitionException(string message)
        : base(message)
    {
    }

    public InvalidCaseTransitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CaseAction Action { get; }

    public CaseStatus Status { get; }

    public IReadOnlyList<CaseAction> Allowed { get; } = [];
}

/// <summary>The caller's role or department may not perform this action on this case (maps to 403).</summary>
public sealed class CaseActionForbiddenException : Exception
{
    public CaseActionForbiddenException(CaseAction action, string reason)
        : base($"You may not perform '{CaseActions.ToApiName(action)}' on this case: {reason}")
    {
        Action = action;
    }

    public CaseActionForbiddenException()
        : this(CaseAction.File, "forbidden")
    {
    }

    public CaseActionForbiddenException(string message)
        : base(message)
    {
    }

    public CaseActionForbiddenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CaseAction Action { get; }
}

/// <summary>Names of actions as the API spells them.</summary>
public static class CaseActions
{
    /// <summary>camelCase name of an action, e.g. <c>requestPostponement</c>.</summary>
    public static string ToApiName(CaseAction action)
    {
        var name = action.ToString();
        return string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);
    }

    /// <summary>Parses an API action name, case-insensitively.</summary>
    public static bool TryParse(string? value, out CaseAction action)
    {
        action = default;
        return !string.IsNullOrWhiteSpace(value)
            && !int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _)
            && Enum.TryParse(value, ignoreCase: true, out action)
            && Enum.IsDefined(action);
    }

    /// <summary>Chinese label of an action, for history and the console.</summary>
    public static string ChineseName(CaseAction action) => action switch
    {
        CaseAction.RequestVerification => "派发核实",
        CaseAction.Verify => "核实",
        CaseAction.File => "立案",
        CaseAction.Reject => "不予立案",
        CaseAction.Merge => "合并",
        CaseAction.Dispatch => "派遣",
        CaseAction.Accept => "签收",
        CaseAction.Return => "回退",
        CaseAction.Feedback => "反馈",
        CaseAction.Check => "核查",
        CaseAction.Close => "结案",
        CaseAction.Rework => "返工",
        CaseAction.RequestPostponement => "延期申请",
        CaseAction.ApprovePostponement => "延期批准",
        CaseAction.RejectPostponement => "延期驳回",
        CaseAction.RequestSuspension => "挂账申请",
        CaseAction.ApproveSuspension => "挂账批准",
        CaseAction.RejectSuspension => "挂账驳回",
        CaseAction.LiftSuspension => "解除挂账",
        CaseAction.Dispute => "异议",
        CaseAction.ReturnVisit => "回访",
        CaseAction.Urge => "督办",
        CaseAction.Void => "作废",
        CaseAction.Reopen => "重新打开",
        CaseAction.CoHandlingNote => "协办备注",
        CaseAction.CoHandlingDone => "协办完成",
        _ => action.ToString(),
    };
}
