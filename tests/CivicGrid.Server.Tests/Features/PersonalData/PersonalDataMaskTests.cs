using CivicGrid.Infrastructure.Privacy;

namespace CivicGrid.Server.Tests.Features.PersonalData;

/// <summary>Masks and phone normalisation: pure functions.</summary>
public sealed class PersonalDataMaskTests
{
    [Theory]
    [InlineData(PersonalDataKind.Phone, "13812345678", "138****5678")]
    [InlineData(PersonalDataKind.Phone, "+86 138-1234-5678", "138****5678")]
    [InlineData(PersonalDataKind.Phone, "010-65123456", "010****3456")]
    [InlineData(PersonalDataKind.Phone, "12345", "1****")]
    [InlineData(PersonalDataKind.Name, "张三", "张*")]
    [InlineData(PersonalDataKind.Name, "欧阳修", "欧*")]
    [InlineData(PersonalDataKind.Name, "Zhang San", "Z*")]
    [InlineData(PersonalDataKind.Email, "zhang.san@example.org", "z***@example.org")]
    [InlineData(PersonalDataKind.Identifier, "device-42", "d*")]
    [InlineData(PersonalDataKind.Name, "", "")]
    public void Mask_ShowsEnoughToRecogniseNotToContact(PersonalDataKind kind, string value, string masked) =>
        Assert.Equal(masked, PersonalDataMask.Mask(kind, value));

    [Theory]
    [InlineData("13812345678", "13812345678")]
    [InlineData("138-1234-5678", "13812345678")]
    [InlineData("+86 138 1234 5678", "13812345678")]
    [InlineData("0086 13812345678", "13812345678")]
    [InlineData("8613812345678", "13812345678")]
    [InlineData("(010) 6512-3456", "01065123456")]
    public void NormalizePhone_SamePersonSameDigits(string phone, string normalized) =>
        Assert.Equal(normalized, PersonalDataMask.NormalizePhone(phone));
}
