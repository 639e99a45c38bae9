using System.Text;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Domain.Tests.Identity;

public sealed class TotpTests
{
    private static readonly byte[] RfcSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    // RFC 6238 appendix B (SHA-1 column), 8 digits.
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Compute_MatchesTheRfc6238TestVectors(long unixSeconds, string expected)
    {
        var step = Totp.StepOf(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(expected, Totp.Compute(RfcSecret, step, digits: 8));
    }

    [Fact]
    public void Verify_AcceptsTheCurrentAndNeighbouringSteps_ButNotAReplay()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var step = Totp.StepOf(now);
        var code = Totp.Compute(RfcSecret, step);

        Assert.Equal(step, Totp.Verify(RfcSecret, code, now, lastUsedStep: null));
        Assert.Equal(step - 1, Totp.Verify(RfcSecret, Totp.Compute(RfcSecret, step - 1), now, null));
        Assert.Null(Totp.Verify(RfcSecret, code, now, lastUsedStep: step));
        Assert.Null(Totp.Verify(RfcSecret, Totp.Compute(RfcSecret, step - 2), now, null));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("abcdef")]
    [InlineData("' OR 1=1 --")]
    public void Verify_MalformedCodes_AreRefused(string? code) =>
        Assert.Null(Totp.Verify(RfcSecret, code, DateTimeOffset.UnixEpoch.AddYears(56), null));

    [Fact]
    public void Base32_IsRfc4648WithoutPadding()
    {
        Assert.Equal("MZXW6YTBOI", Totp.ToBase32("foobar"u8));
        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Totp.ToBase32(RfcSecret));
    }
}
