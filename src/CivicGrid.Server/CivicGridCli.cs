using System.CommandLine;
using System.Globalization;
using System.Text;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Demo;
using CivicGrid.Server.Features.Intake.Classification;
using CivicGrid.Server.Features.Platform;
using CivicGrid.Server.Features.Transparency;
using CivicGrid.Server.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server;

/// <summary>
/// The <c>civicgrid</c> command line: <c>serve</c> (the default), <c>migrate</c>, <c>seed</c>,
/// <c>users</c>, <c>export</c>, <c>model</c> and <c>audit</c>. Errors print one line on stderr and exit non-zero.
/// </summary>
public static class CivicGridCli
{
    private static readonly string[] Subcommands = ["serve", "migrate", "seed", "users", "export", "simulate", "model", "audit"];

    public static async Task<int> RunAsync(string[] args)
    {
        // Anything that is not a subcommand or a help request is the server's own command line
        // (ASP.NET Core options such as --urls pass straight through).
        var help = args.Any(a => a is "--help" or "-h" or "-?");
        if (args.Length == 0 || (!help && (args[0] == "serve" || !Subcommands.Contains(args[0], StringComparer.Ordinal))))
        {
            return await ServeAsync(args);
        }

        var root = BuildRoot();
        var parse = root.Parse(args);
        return await parse.InvokeAsync();
    }

    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand("CivicGrid — 数字化城市管理信息系统 (digital urban management). Without a subcommand: serve.");
        var dataDir = new Option<string?>("--data-dir") { Description = "The data folder (default ./data)." };
        var demo = new Option<bool>("--demo") { Description = "Seed and simulate the Beijing Dongcheng demo district." };
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on, e.g. http://127.0.0.1:5080." };

        var serve = new Command("serve", "Run the platform: console, APIs, background jobs (the default).") { dataDir, demo, urls };
        serve.TreatUnmatchedTokensAsErrors = false;
        serve.SetAction((_, _) => Task.FromResult(0)); // Only reached for --help; RunAsync serves directly.
        root.Add(serve);

        var migrate = new Command("migrate", "Apply database migrations (production mode), then seed the base data.") { dataDir };
        migrate.SetAction((p, ct) => WithServicesAsync(p.GetValue(dataDir), false, async sp =>
        {
            await sp.GetRequiredService<CivicGridDbContext>().Database.MigrateAsync(ct);
            await sp.GetRequiredService<BaseSeeder>().SeedAsync(ct);
            await Console.Out.WriteLineAsync("Database is up to date.");
            return 0;
        }));
        root.Add(migrate);

        var seed = new Command("seed", "Seed base data, and with --demo the demo district.") { dataDir, demo };
        seed.SetAction((p, ct) => WithServicesAsync(p.GetValue(dataDir), p.GetValue(demo), async sp =>
        {
            await sp.GetRequiredService<CivicGridDbContext>().Database.MigrateAsync(ct);
            await sp.GetRequiredService<BaseSeeder>().SeedAsync(ct);
            if (p.GetValue(demo))
            {
                await sp.GetRequiredService<DemoSeeder>().SeedAsync(ct);
            }

            await Console.Out.WriteLineAsync("Seeded.");
            return 0;
        }));
        root.Add(seed);

        root.Add(BuildUsers(dataDir));
        root.Add(BuildExport(dataDir));
        root.Add(Features.Sensing.Simulation.SimulateCommand.Build(dataDir, WithServicesAsync));
        root.Add(ModelCommands.Build(dataDir));
        root.Add(BuildAudit(dataDir));
        return root;
    }

    /// <summary>Exit code of <c>audit verify</c> when the trail is broken (1 is any other failure).</summary>
    public const int AuditBrokenExitCode = 2;

    private static Command BuildAudit(Option<string?> dataDir)
    {
        var verify = new Command("verify", "Check the audit trail's hash chain and signed checkpoints; names the first broken entry.") { dataDir };
        verify.SetAction((p, ct) => WithServicesAsync(p.GetValue(dataDir), false, async sp =>
        {
            var result = await AuditVerifier.VerifyAsync(
                sp.GetRequiredService<CivicGridDbContext>(), sp.GetRequiredService<Features.Audit.AuditCheckpointKey>().Bytes, ct);
            if (!result.Intact)
            {
                await p.InvocationConfiguration.Error.WriteLineAsync($"civicgrid: audit trail broken: {result.Problem}");
                return AuditBrokenExitCode;
            }

            await p.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Audit trail intact: {result.Entries} entries, {result.Checkpoints} signed checkpoints."));
            return 0;
        }));
        return new Command("audit", "The audit trail.") { verify };
    }

    private static Command BuildUsers(Option<string?> dataDir)
    {
        var users = new Command("users", "List and manage users.");
        var list = new Command("list", "List users.") { dataDir };
        list.SetAction((p, ct) => WithServicesAsync(p.GetValue(dataDir), false, async sp =>
        {
            var db = sp.GetRequiredService<CivicGridDbContext>();
            foreach (var u in await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct))
            {
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{u.UserName}\t{u.Role}\t{u.DisplayName}\t{(u.IsActive ? "active" : "inactive")}"));
            }

            return 0;
        }));
        users.Add(list);

        var userName = new Option<string>("--username") { Description = "Login name.", Required = true };
        var role = new Option<Role>("--role") { Description = "Role.", Required = true };
        var password = new Option<string>("--password") { Description = "Password (at least 10 characters).", Required = true };
        var displayName = new Option<string?>("--display-name") { Description = "Name shown in histories." };
        var department = new Option<string?>("--department") { Description = "Department code, for handlers." };
        var add = new Command("add", "Create a user.") { dataDir, userName, role, password, displayName, department };
        add.SetAction((p, ct) => WithServicesAsync(p.GetValue(dataDir), false, async sp =>
        {
            var db = sp.GetRequiredService<CivicGridDbContext>();
            Guid? deptId = null;
            if (p.GetValue(department) is { } code)
            {
                deptId = await db.Departments.Where(d => d.Code == code).Select(d => (Guid?)d.Id).FirstOrDefaultAsync(ct)
                    ?? throw new CliException($"department '{code}' does not exist");
            }

            var user = await sp.GetRequiredService<UserAdministration>().CreateAsync(
                new UserEndpoints.CreateUserRequest(p.GetValue(userName), p.GetValue(displayName), p.GetValue(role), deptId, p.GetValue(password)), ct);
            await Console.Out.WriteLineAsync($"Created {user.UserName} ({user.Role}).");
            return 0;
        }));
        users.Add(add);

        var setPassword = new Command("set-password", "Set a user's password.") { dataDir, userName, password };
        setPassword.SetAction((p, ct) => WithServicesAsync(p.GetValue(dataDir), false, async sp =>
        {
            var name = p.GetValue(userName)!.Trim().ToLowerInvariant();
            var db = sp.GetRequiredService<CivicGridDbContext>();
            var id = await db.Users.Where(u => u.UserName == name).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct)
                ?? throw new CliException($"user '{name}' does not exist");
            await sp.GetRequiredService<UserAdministration>().SetPasswordAsync(id, p.GetValue(password), ct);
            await Console.Out.WriteLineAsync($"Password of {name} changed.");
            return 0;
        }));
        users.Add(setPassword);
        return users;
    }

    private static Command BuildExport(Option<string?> dataDir)
    {
        var format = new Option<string>("--format") { Description = "csv or geojson.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "geojson");
        var output = new Option<string>("--out") { Description = "Output file.", Required = true };
        var cases = new Command("cases", "Export cases as open data: filed cases only, no numbers, texts or people, positions at their unit grid's centre.") { dataDir, format, output };
        cases.SetAction((p, ct) => WithServicesAsync(p.GetValue(dataDir), false, async sp =>
        {
            var db = sp.GetRequiredService<CivicGridDbContext>();
            var path = p.GetValue(output)!;
            var rows = PublicCases.Rows(db, null, null, newestFirst: false, null).AsAsyncEnumerable();
            int n;
            await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
            {
                n = p.GetValue(format) == "csv" ? await PublicCases.WriteCsvAsync(writer, rows, ct) : await PublicCases.WriteGeoJsonAsync(writer, rows, ct);
            }

            await p.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Exported {n} cases to {path}."));
            return 0;
        }));
        var export = new Command("export", "Export data.") { cases };
        return export;
    }

    private static async Task<int> ServeAsync(string[] args)
    {
        try
        {
            var (rest, overrides) = SplitServerArgs(args);
            var app = ServerHost.Build(rest, overrides);
            await app.RunAsync();
            return 0;
        }
        catch (Exception e) when (IsUserError(e))
        {
            // A setting or start-up value the operator chose is wrong: one line, not a stack trace.
            await Console.Error.WriteLineAsync($"civicgrid: {e.Message}");
            return 1;
        }
    }

    /// <summary>The errors that come from what the operator gave (settings, arguments, files), reported in one line.</summary>
    private static bool IsUserError(Exception e) =>
        e is CliException or Domain.Common.DomainValidationException or Common.ConflictException or InvalidOperationException
            or Microsoft.Extensions.Options.OptionsValidationException or IOException or UnauthorizedAccessException;

    /// <summary>Takes --demo and --data-dir out of the arguments; the rest goes to ASP.NET Core.</summary>
    internal static (string[] Remaining, Dictionary<string, string?> Overrides) SplitServerArgs(string[] args)
    {
        var rest = new List<string>();
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "serve" && i == 0)
            {
                continue;
            }

            if (a == "--demo")
            {
                overrides["Demo"] = "true";
            }
            else if (a == "--data-dir" && i + 1 < args.Length)
            {
                overrides["DataDir"] = args[++i];
            }
            else if (a.StartsWith("--data-dir=", StringComparison.Ordinal))
            {
                overrides["DataDir"] = a["--data-dir=".Length..];
            }
            else
            {
                rest.Add(a);
            }
        }

        return ([.. rest], overrides);
    }

    private static async Task<int> WithServicesAsync(string? dataDir, bool demo, Func<IServiceProvider, Task<int>> action)
    {
        try
        {
            var overrides = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["Demo"] = demo ? "true" : "false",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:CivicGrid"] = "Information",
            };
            if (dataDir is not null)
            {
                overrides["DataDir"] = dataDir;
            }

            await using var app = ServerHost.Build([], overrides);
            using var scope = app.Services.CreateScope();
            return await action(scope.ServiceProvider);
        }
        catch (Exception e) when (IsUserError(e))
        {
            await Console.Error.WriteLineAsync($"civicgrid: {e.Message}");
            return 1;
        }
    }

    private sealed class CliException(string message) : Exception(message);
}
