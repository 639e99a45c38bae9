namespace CivicGrid.Server.Features.PersonalData;

/// <summary>A user was shown personal data in full.</summary>
/// <param name="UserId">Who.</param>
/// <param name="UserName">Their login name.</param>
/// <param name="Role">The role they acted in.</param>
/// <param name="What">What was read: <c>case</c> (one case's reporter) or <c>citizen-export</c> (everything about one phone number).</param>
/// <param name="Records">How many records' personal data it showed.</param>
/// <param name="At">When.</param>
public sealed record PersonalDataRead(Guid UserId, string UserName, string Role, string What, int Records, DateTimeOffset At);

/// <summary>
/// Told of every full read of personal data, after its audit entry is written: the hook for risk
/// warnings (one account reading many reporters' details).
/// </summary>
public interface IPersonalDataReadObserver
{
    ValueTask OnReadAsync(PersonalDataRead read, CancellationToken ct);
}

/// <summary>Counts every full read towards the risk warning "one account reading many reporters' details".</summary>
internal sealed class RiskSignalingPersonalDataReadObserver(Security.IRiskSignals risk) : IPersonalDataReadObserver
{
    public ValueTask OnReadAsync(PersonalDataRead read, CancellationToken ct)
    {
        // An export of many records counts as many reads (bounded, so one call stays cheap).
        for (var i = 0; i < Math.Clamp(read.Records, 1, 1000); i++)
        {
            risk.PersonalDataRead(read.UserId);
        }

        return ValueTask.CompletedTask;
    }
}
