using CivicGrid.Domain.Common;
using CivicGrid.Domain.Telemetry;

namespace CivicGrid.Domain.Tests.Telemetry;

/// <summary>The device: ids, hashed tokens, lifecycle.</summary>
public sealed class DeviceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DevicePlacement Here = new(116.4, 39.9, "110101001001001", "110101001001", "110101001");

    [Fact]
    public void Register_KeepsOnlyTheHashOfTheToken()
    {
        var (device, token) = Device.Register("mc-1", DeviceTypes.Find("manhole-cover")!, null, Here, null, null, T0);

        Assert.StartsWith("cgd_", token, StringComparison.Ordinal);
        Assert.True(token.Length >= 40);
        Assert.DoesNotContain(token, device.TokenHash, StringComparison.Ordinal);
        Assert.Equal(64, device.TokenHash.Length);
        Assert.True(device.TokenMatches(token));
        Assert.False(device.TokenMatches(token + "x"));
        Assert.False(device.TokenMatches(null));
        Assert.Equal(DeviceState.Provisioned, device.State);
        Assert.Equal("智能井盖 mc-1", device.Name);
    }

    [Theory]
    [InlineData("ab", false)]
    [InlineData("abc", true)]
    [InlineData("mc-0001.east_2", true)]
    [InlineData("-abc", false)]
    [InlineData("a/b/c", false)]
    [InlineData("a+b", false)]
    [InlineData("a#b", false)]
    [InlineData("井盖一号", false)]
    public void Ids_AreSafeInTopicsAndUrls(string id, bool valid) => Assert.Equal(valid, Device.IsValidId(id));

    [Fact]
    public void Lifecycle_SilentAfterQuiet_RetiredRefusesChanges()
    {
        var (device, token) = Device.Register("bin-1", DeviceTypes.Find("bin")!, "箱", Here, null, null, T0);
        Assert.False(device.MarkSilentIfQuietSince(T0.AddHours(1), T0.AddHours(2)));

        var newToken = device.RotateToken(T0.AddMinutes(1));
        Assert.False(device.TokenMatches(token));
        Assert.True(device.TokenMatches(newToken));

        device.Retire(T0.AddDays(1));
        Assert.Equal(DeviceState.Retired, device.State);
        Assert.False(device.MayPublish);
        Assert.Throws<DomainValidationException>(() => device.RotateToken(T0.AddDays(2)));
        device.Retire(T0.AddDays(3));
        Assert.Equal(T0.AddDays(1), device.RetiredAt);
    }
}
