using System.Security.Cryptography;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Sla;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Platform;

/// <summary>
/// What every installation needs, added once and never overwritten: the GB/T 47678.5-2026
/// categories, the working calendar, default stage time limits and the first admin.
/// </summary>
public sealed partial class BaseSeeder(CivicGridDbContext db, UserAdministration users, IConfiguration configuration, ILogger<BaseSeeder> logger)
{
    public const string AdminPasswordVariable = "CIVICGRID_ADMIN_PASSWORD";

    public async Task SeedAsync(CancellationToken ct)
    {
        if (!await db.Categories.AnyAsync(ct))
        {
            db.Categories.AddRange(SeedCsv.ReadResource("categories.csv").Select(r => new Category
            {
                Kind = r["kind"] == "component" ? CategoryKind.Component : CategoryKind.Event,
                Code = r["code"],
                MajorNameZh = r["major_name_zh"],
                MajorNameEn = r["major_name_en"],
                NameZh = r["name_zh"],
                NameEn = r["name_en"],
                Standard = r["standard"],
            }));
            await db.SaveChangesAsync(ct);
        }

        if (!await db.CalendarDays.AnyAsync(ct))
        {
            db.CalendarDays.AddRange(WorkingCalendar.ChinaDefault().Exceptions.Select(e => new CalendarDayRecord
            {
                Date = e.Date,
                Kind = e.Kind.ToString().ToLowerInvariant(),
                Name = e.Name,
            }));
            await db.SaveChangesAsync(ct);
        }

        if (!await db.TimeLimits.AnyAsync(ct))
        {
            foreach (var stage in Enum.GetValues<CaseStage>())
            {
                foreach (var urgency in Enum.GetValues<Urgency>())
                {
                    var limit = TimeLimitTable.BuiltInDefault(stage, urgency);
                    db.TimeLimits.Add(new TimeLimitRecord { CategoryCode = "*", Stage = stage.ToString(), Urgency = urgency.ToString(), Value = limit.Value, Unit = limit.Unit.ToString() });
                }
            }

            await db.SaveChangesAsync(ct);
        }

        if (!await db.Users.AnyAsync(u => u.UserName == "admin", ct))
        {
            var password = configuration[AdminPasswordVariable];
            var generated = string.IsNullOrEmpty(password);
            if (generated)
            {
                password = GeneratePassword();
            }
            else if (PasswordPolicy.Check(password, "admin") is { } problem)
            {
                throw new InvalidOperationException($"{AdminPasswordVariable} is not accepted for the account 'admin': {problem}");
            }

            await users.CreateAsync(new UserEndpoints.CreateUserRequest("admin", "系统管理员", Role.Admin, null, password), ct);
            if (generated)
            {
                // Printed once, on the console only: it is never logged.
                await Console.Out.WriteLineAsync($"CivicGrid: created user 'admin' with password: {password}  (set {AdminPasswordVariable} to choose it)");
            }
            else
            {
                LogAdminCreated(logger);
            }
        }
    }

    /// <summary>A random password that satisfies the policy and is easy to type.</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return string.Create(16, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Created user 'admin' with the password from the environment")]
    private static partial void LogAdminCreated(ILogger logger);
}
