using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Sla;
using MudBlazor;

namespace CivicGrid.Server.Features.WebConsole;

/// <summary>The console's look: a calm government blue, system CJK fonts, one colour per status and light.</summary>
public static class ConsoleTheme
{
    private static readonly string[] Fonts = ["Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            Secondary = "#00838f",
            Tertiary = "#5e35b1",
            AppbarBackground = "#173f6e",
            AppbarText = "#ffffff",
            Background = "#f3f5f8",
            DrawerBackground = "#ffffff",
            DrawerText = "#26323f",
            DrawerIcon = "#4a5a6a",
            Success = "#2e7d32",
            Warning = "#f9a825",
            Error = "#c62828",
            Info = "#1976d2",
            TextPrimary = "#1d2733",
            TextSecondary = "#5b6877",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Fonts },
            Button = new ButtonTypography { TextTransform = "none" },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px", DrawerWidthLeft = "208px" },
    };

    /// <summary>Background colour of a status chip.</summary>
    public static string StatusColor(CaseStatus status) => status switch
    {
        CaseStatus.Reported => "#1976d2",
        CaseStatus.Verifying => "#7b1fa2",
        CaseStatus.Filed => "#00838f",
        CaseStatus.Dispatched => "#3949ab",
        CaseStatus.Handling => "#ef6c00",
        CaseStatus.Suspended => "#6d4c41",
        CaseStatus.Checking => "#00897b",
        CaseStatus.Closed => "#2e7d32",
        CaseStatus.Rejected => "#757575",
        CaseStatus.Merged => "#90a4ae",
        CaseStatus.Voided => "#9e9e9e",
        _ => "#757575",
    };

    /// <summary>Colour of a traffic light (the map's dots use the same).</summary>
    public static string LightColor(Light light) => light switch
    {
        Light.Red => "#d32f2f",
        Light.Yellow => "#f9a825",
        _ => "#2e7d32",
    };
}
