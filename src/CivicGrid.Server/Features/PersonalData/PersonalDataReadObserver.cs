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
/// warnings (one account reading many reporters' details). The default does nothing.
/// </summary>
public interface IPersonalDataReadObserver
{
    ValueTask OnReadAsync(PersonalDataRead read, CancellationToken ct);
}

internal sealed class NoPersonalDataReadObserver : IPersonalDataReadObserver
{
    public ValueTask OnReadAsync(PersonalDataRead read, CancellationToken ct) => ValueTask.CompletedTask;
}
