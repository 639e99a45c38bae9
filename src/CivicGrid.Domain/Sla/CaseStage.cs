namespace CivicGrid.Domain.Sla;

/// <summary>The timed stages (环节) of a case, each with its own <see cref="StageClock"/>.</summary>
public enum CaseStage
{
    /// <summary>核实: an inspector verifies on site that a reported problem exists.</summary>
    Verify = 0,

    /// <summary>立案: the supervision centre files the case.</summary>
    File = 1,

    /// <summary>派遣: the command centre dispatches it to the responsible department.</summary>
    Dispatch = 2,

    /// <summary>处置: the department disposes of the problem.</summary>
    Handle = 3,

    /// <summary>核查: an inspector checks the result on site before closing.</summary>
    Check = 4,
}

/// <summary>How urgent a case is; it selects the time limits.</summary>
public enum Urgency
{
    /// <summary>一般.</summary>
    Normal = 0,

    /// <summary>紧急.</summary>
    Urgent = 1,

    /// <summary>特急: safety-related, counted in 紧急工作时 around the clock.</summary>
    Emergency = 2,
}

/// <summary>The traffic-light state of a stage clock (红黄绿灯).</summary>
public enum Light
{
    /// <summary>Less than 80 % of the allowance used.</summary>
    Green = 0,

    /// <summary>From 80 % of the allowance used up to and including the due instant.</summary>
    Yellow = 1,

    /// <summary>Past the due instant.</summary>
    Red = 2,
}

/// <summary>Display names for <see cref="CaseStage"/> and <see cref="Urgency"/>.</summary>
public static class SlaDisplayNames
{
    /// <summary>核实, 立案, 派遣, 处置, 核查.</summary>
    public static string ChineseName(this CaseStage stage) => stage switch
    {
        CaseStage.Verify => "核实",
        CaseStage.File => "立案",
        CaseStage.Dispatch => "派遣",
        CaseStage.Handle => "处置",
        CaseStage.Check => "核查",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown case stage."),
    };

    /// <summary>verify, file, dispatch, handle, check.</summary>
    public static string EnglishName(this CaseStage stage) => stage switch
    {
        CaseStage.Verify => "verify",
        CaseStage.File => "file",
        CaseStage.Dispatch => "dispatch",
        CaseStage.Handle => "handle",
        CaseStage.Check => "check",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown case stage."),
    };

    /// <summary>一般, 紧急, 特急.</summary>
    public static string ChineseName(this Urgency urgency) => urgency switch
    {
        Urgency.Normal => "一般",
        Urgency.Urgent => "紧急",
        Urgency.Emergency => "特急",
        _ => throw new ArgumentOutOfRangeException(nameof(urgency), urgency, "Unknown urgency."),
    };

    /// <summary>normal, urgent, emergency.</summary>
    public static string EnglishName(this Urgency urgency) => urgency switch
    {
        Urgency.Normal => "normal",
        Urgency.Urgent => "urgent",
        Urgency.Emergency => "emergency",
        _ => throw new ArgumentOutOfRangeException(nameof(urgency), urgency, "Unknown urgency."),
    };
}
