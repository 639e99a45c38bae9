using CivicGrid.Domain.Identity;

namespace CivicGrid.Domain.Tests.Identity;

public sealed class PasswordPolicyTests
{
    [Theory]
    [InlineData("short", "alice")]
    [InlineData("alice-is-great", "alice")]
    [InlineData("xALICEx12345", "alice")]
    [InlineData("aaaaaaaaaaaa", "bob")]
    [InlineData("password123", "bob")]
    [InlineData("Password123", "bob")]
    [InlineData("1234567890", "bob")]
    [InlineData("woaini1314", "bob")]
    public void Check_RefusesWeakPasswords(string password, string user) =>
        Assert.NotNull(PasswordPolicy.Check(password, user));

    [Fact]
    public void Check_RefusesOverlongPasswords() =>
        Assert.NotNull(PasswordPolicy.Check(new string('x', 64) + new string('y', 65), "bob"));

    [Theory]
    // The passwords the test suites, the E2E suite and the load bench use must pass.
    [InlineData("test-password-123", "operator")]
    [InlineData("e2e-password-123", "handler-sanitation")]
    [InlineData("choose-a-password-1", "supervisor")]
    [InlineData("bench-1234567890-pw", "admin")]
    [InlineData("k7Pq2mZx9RtW4bNs", "dispatcher")]
    public void Check_AcceptsReasonablePasswords(string password, string user) =>
        Assert.Null(PasswordPolicy.Check(password, user));
}
