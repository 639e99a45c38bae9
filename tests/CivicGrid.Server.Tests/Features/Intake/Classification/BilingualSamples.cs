namespace CivicGrid.Server.Tests.Features.Intake.Classification;

/// <summary>A tiny bilingual data set: three categories, Chinese and English sentences, plus held-out sentences.</summary>
internal static class BilingualSamples
{
    public const string Garbage = "垃圾";
    public const string Parking = "停车";
    public const string Streetlight = "路灯";

    public static readonly IReadOnlyList<(string Text, string Label)> Training =
    [
        ("小区门口垃圾堆积很多天没人清运", Garbage),
        ("垃圾桶满了，垃圾溢出到路上", Garbage),
        ("街边有人乱扔垃圾，发出臭味", Garbage),
        ("垃圾箱破损，垃圾散落一地", Garbage),
        ("菜市场旁边垃圾成堆，苍蝇很多", Garbage),
        ("Garbage has piled up at the entrance of our compound", Garbage),
        ("The trash bin is overflowing with rubbish", Garbage),
        ("Nobody collected the garbage this week", Garbage),
        ("Rubbish bags dumped on the sidewalk smell bad", Garbage),
        ("The garbage bin is broken and litter is everywhere", Garbage),

        ("车辆乱停乱放，占用人行道", Parking),
        ("有车长期停在消防通道", Parking),
        ("小区门口违章停车，堵住出入口", Parking),
        ("路边停车占道导致拥堵", Parking),
        ("汽车乱停车挡住盲道", Parking),
        ("A car is illegally parked on the sidewalk", Parking),
        ("Vehicles park in the fire lane every night", Parking),
        ("Illegal parking blocks the driveway", Parking),
        ("Cars double parked on the street cause traffic jams", Parking),
        ("A truck parked across the bike lane", Parking),

        ("路灯不亮，晚上很黑", Streetlight),
        ("这条街的路灯坏了一个月", Streetlight),
        ("路灯一直闪烁", Streetlight),
        ("小区路灯线路裸露", Streetlight),
        ("晚上路灯全部熄灭，行人看不清路", Streetlight),
        ("The streetlight is out and the road is dark at night", Streetlight),
        ("A street lamp is flickering all night", Streetlight),
        ("The streetlight pole is damaged", Streetlight),
        ("The lamps on this road have been broken for weeks", Streetlight),
        ("No lighting at night because the streetlights failed", Streetlight),
    ];

    public static readonly IReadOnlyList<(string Text, string Label)> HeldOut =
    [
        ("公园门口的垃圾好几天没有清运了", Garbage),
        ("The rubbish bin near the school is full of garbage", Garbage),
        ("有辆车停在人行道上，一直不走", Parking),
        ("Someone parked their car in the fire lane again", Parking),
        ("小区路口的路灯晚上不亮", Streetlight),
        ("The streetlight outside my house is broken and the street is dark", Streetlight),
    ];
}
