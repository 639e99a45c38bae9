using CivicGrid.Domain.Identity;

namespace CivicGrid.Domain.Tests.Identity;

public sealed class PermissionMatrixTests
{
    [Fact]
    public void Default_HasARowForEveryPermission_AndAdminHoldsAllButTheAuditTrail()
    {
        var matrix = PermissionMatrix.Default;

        Assert.Equal(Permission.All.Order(StringComparer.Ordinal), matrix.Permissions.Order(StringComparer.Ordinal));
        // Separation of duties (三权分立): administrators change the system, only auditors read its trail.
        Assert.All(Permission.All.Where(p => p != Permission.AuditRead), p => Assert.True(matrix.Allows(Role.Admin, p), p));
        Assert.False(matrix.Allows(Role.Admin, Permission.AuditRead));
        Assert.True(matrix.Allows(Role.Auditor, Permission.AuditRead));
    }

    [Fact]
    public void Default_CitizensAndDevicesHoldOnlyTheirOwnAccount()
    {
        var matrix = PermissionMatrix.Default;

        foreach (var role in new[] { Role.Citizen, Role.Device })
        {
            Assert.Equal([Permission.SelfRead], Permission.All.Where(p => matrix.Allows(role, p)));
        }
    }

    [Theory]
    [InlineData("permission,citizen\nself.read,x")]
    [InlineData("permission,citizen,inspector,operator,dispatcher,handler,supervisor,analyst,auditor,admin,device,wizard\n")]
    [InlineData("perm,citizen,inspector,operator,dispatcher,handler,supervisor,analyst,auditor,admin,device\n")]
    [InlineData("permission,citizen,inspector,operator,dispatcher,handler,supervisor,analyst,auditor,admin,device\nself.read,x,x,x,x,x,x,x,x,x,x\nfly.away,,,,,,,,,x,")]
    [InlineData("permission,citizen,inspector,operator,dispatcher,handler,supervisor,analyst,auditor,admin,device\nself.read,x,x,x,x,x,x,x,x,x,yes")]
    [InlineData("permission,citizen,inspector,operator,dispatcher,handler,supervisor,analyst,auditor,admin,device\nself.read,x,x,x,x,x,x,x,x,x,x")]
    public void Parse_IncompleteOrUnknownEntries_Throw(string csv) =>
        Assert.Throws<FormatException>(() => PermissionMatrix.Parse(csv));
}
