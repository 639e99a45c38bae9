using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Cases;

/// <summary>Where the case aggregate gets its time limits and the working calendar from.</summary>
public interface ISlaPolicy
{
    /// <summary>The working calendar that counts work hours and work days.</summary>
    WorkingCalendar Calendar { get; }

    /// <summary>The limit of a stage for a category and urgency.</summary>
    TimeLimit LimitFor(string categoryCode, Urgency urgency, CaseStage stage);
}
