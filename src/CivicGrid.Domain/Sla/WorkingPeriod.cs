using System.Globalization;

namespace CivicGrid.Domain.Sla;

/// <summary>
/// One working period of a working day in local time, e.g. 09:00–12:00. The start is inclusive and the
/// end exclusive; a period cannot cross midnight.
/// </summary>
public readonly record struct WorkingPeriod
{
    /// <summary>Creates a validated period.</summary>
    /// <exception cref="ArgumentException">The end is not after the start.</exception>
    public WorkingPeriod(TimeOnly start, TimeOnly end)
    {
        if (end <= start)
        {
            throw new ArgumentException($"A working period must end after it starts (got {Format(start)}–{Format(end)}).", nameof(end));
        }

        Start = start;
        End = end;
    }

    /// <summary>Local start time (inclusive).</summary>
    public TimeOnly Start { get; }

    /// <summary>Local end time (exclusive).</summary>
    public TimeOnly End { get; }

    /// <summary>The length of the period.</summary>
    public TimeSpan Duration => End - Start;

    /// <inheritdoc />
    public override string ToString() => $"{Format(Start)}–{Format(End)}";

    private static string Format(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}
