using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CivicGrid.Server.Features.Security;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Security;

/// <summary>An app with low rate limits and risk thresholds, for the tests that trip them.</summary>
public sealed class StrictApp : CivicGridApp
{
    protected override CivicGrid.Infrastructure.Persistence.DatabaseProvider Provider => CivicGrid.Infrastructure.Persistence.DatabaseProvider.Sqlite;

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        builder.UseSetting("Security:Login:PermitLimit", "40");
        builder.UseSetting("Security:Login:Window", "01:00:00");
        builder.UseSetting("Security:Open311Submit:PermitLimit", "3");
        builder.UseSetting("Security:Open311Submit:Window", "01:00:00");
        builder.UseSetting("Security:Risk:LoginFailuresPerAccount:Count", "3");
        builder.UseSetting("Security:Risk:LoginFailuresPerIp:Count", "1000");
        builder.UseSetting("Security:Risk:PersonalDataReads:Count", "5");
        builder.UseSetting("Security:Risk:PersonalDataReads:Window", "00:10:00");
        builder.UseSetting("Security:Risk:Transitions:Count", "1000");
        builder.UseSetting("Security:Risk:Reports:Count", "1000");
    }
}

[CollectionDefinition(Name)]
public sealed class StrictCollection : ICollectionFixture<StrictApp>
{
    public const string Name = "strict";
}

/// <summary>Rate limits (429 with Retry-After), risk warnings on the fake clock, security headers.</summary>
[Collection(StrictCollection.Name)]
public sealed class SecuritySurfaceTests(StrictApp app) : ApiTest(app)
{
    [Fact]
    public async Task Open311Posts_PastTheLimit_Get429ProblemDetails_WithRetryAfter()
    {
        var client = App.CreateClient();
        var form = new Dictionary<string, string> { ["api_key"] = "cg311_" + Guid.NewGuid().ToString("N"), ["service_code"] = "06010" };
        for (var i = 0; i < 3; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(form), Ct)).StatusCode);
        }

        var refused = await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(form), Ct);

        var problem = await ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task FailedSignInsForOneAccount_RaiseOneAlert_ThatSupervisorsSee_AndAnalystsDoNot()
    {
        var name = "victim" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 4; i++)
        {
            await App.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { username = name, password = "guess-number-" + i }, Ct);
        }

        var alerts = await WaitForAlertsAsync(RiskKinds.LoginBurstAccount, name);
        Assert.Single(alerts);
        Assert.Equal(3, alerts[0].GetProperty("count").GetInt32());
        await ProblemAsync(await (await AsAsync("analyst")).GetAsync("/api/v1/security/alerts", Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task PersonalDataReads_AboveTheThreshold_WithinTheWindow_RaiseAnAlert_SpreadOut_DoNot()
    {
        var risk = App.Services.GetRequiredService<IRiskSignals>();
        var slow = Guid.NewGuid();
        var fast = Guid.NewGuid();
        for (var i = 0; i < 6; i++)
        {
            risk.PersonalDataRead(slow);
            App.Clock.Advance(TimeSpan.FromMinutes(3));
        }

        for (var i = 0; i < 5; i++)
        {
            risk.PersonalDataRead(fast);
        }

        var alerts = await WaitForAlertsAsync(RiskKinds.PersonalDataReads, fast.ToString());
        Assert.Equal(5, alerts[0].GetProperty("count").GetInt32());
        var all = await (await AsAsync("supervisor")).GetFromJsonAsync<JsonElement>($"/api/v1/security/alerts?kind={RiskKinds.PersonalDataReads}", Ct);
        Assert.DoesNotContain(all.EnumerateArray(), a => a.GetProperty("subject").GetString() == slow.ToString());

        var id = alerts[0].GetProperty("id").GetGuid();
        var acknowledged = await (await AsAsync("supervisor")).PostAsync($"/api/v1/security/alerts/{id}/acknowledge", null, Ct);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
    }

    [Fact]
    public async Task EveryResponse_CarriesTheSecurityHeaders_AndTheConsoleGetsAPageCsp()
    {
        var client = App.CreateClient();
        foreach (var path in new[] { "/health/live", "/api/v1/cases", "/login", "/open311/v2/services.json", "/no-such-page" })
        {
            var response = await client.GetAsync(path, Ct);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        var login = await client.GetAsync("/login", Ct);
        var csp = login.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self' 'nonce-", csp, StringComparison.Ordinal);
        var html = await login.Content.ReadAsStringAsync(Ct);
        var nonce = csp.Split("'nonce-")[1].Split('\'')[0];
        Assert.Contains($"nonce=\"{nonce}\"", html, StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> WaitForAlertsAsync(string kind, string subject)
    {
        var supervisor = await AsAsync("supervisor");
        // The alert is stored by a background writer: poll briefly.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var alerts = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/security/alerts?kind={kind}", Ct);
            var matching = alerts.EnumerateArray().Where(a => a.GetProperty("subject").GetString() == subject).ToList();
            if (matching.Count > 0)
            {
                return matching;
            }

            await Task.Delay(50, Ct);
        }

        throw new Xunit.Sdk.XunitException($"No {kind} alert for {subject}.");
    }
}

/// <summary>HTTPS as documented: Kestrel with a certificate, HSTS outside Development, Secure cookies.</summary>
public sealed class HttpsTests
{
    [Fact]
    public async Task OverHttps_WithASelfSignedCertificate_TheServerAnswers_SendsHsts_AndMarksCookiesSecure()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var dir = Path.Combine(Path.GetTempPath(), "civicgrid-https-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var pfx = Path.Combine(dir, "server.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password-1"), ct);
        var port = CivicGridApp.FreeTcpPort();

        await using var server = ServerHost.Build(["--urls", $"https://127.0.0.1:{port}", "--environment", "Production"], new Dictionary<string, string?>
        {
            ["DataDir"] = dir,
            ["Database:Provider"] = "Sqlite",
            ["Database:MigrateOnStart"] = "true",
            ["CIVICGRID_ADMIN_PASSWORD"] = CivicGridApp.Password,
            ["Kestrel:Certificates:Default:Path"] = pfx,
            ["Kestrel:Certificates:Default:Password"] = "pfx-password-1",
            ["Mqtt:Port"] = CivicGridApp.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:BindAddress"] = "127.0.0.1",
        });
        await server.StartAsync(ct);
        try
        {
            using var handler = new HttpClientHandler
            {
                // Trust exactly this certificate, nothing else.
                ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.RawData.AsSpan().SequenceEqual(certificate.RawData),
                UseCookies = false,
            };
            using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };

            // HSTS is never sent to localhost names (browsers would pin it for every local app): ask by a real host name.
            using var liveRequest = new HttpRequestMessage(HttpMethod.Get, "/health/live");
            liveRequest.Headers.Host = "civicgrid.example.org";
            var live = await client.SendAsync(liveRequest, ct);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.StartsWith("max-age=31536000", live.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);

            HttpResponseMessage login;
            var attempts = 0;
            do
            {
                // Seeding the admin finishes shortly after the start.
                await Task.Delay(100, ct);
                login = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = CivicGridApp.Password }, ct);
            }
            while (login.StatusCode == HttpStatusCode.Unauthorized && ++attempts < 100);

            Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
            var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("civicgrid.auth=", StringComparison.Ordinal));
            Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await server.StopAsync(ct);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>
    /// Behind a TLS-terminating proxy: with the proxy trusted, its X-Forwarded-Proto makes the request
    /// https (HSTS is sent); without it, the same headers from anyone are ignored.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ForwardedHeaders_AreBelievedOnlyFromTrustedProxies(bool trusted)
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Path.Combine(Path.GetTempPath(), "civicgrid-proxy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var port = CivicGridApp.FreeTcpPort();
        var settings = new Dictionary<string, string?>
        {
            ["DataDir"] = dir,
            ["Database:Provider"] = "Sqlite",
            ["Database:MigrateOnStart"] = "true",
            ["CIVICGRID_ADMIN_PASSWORD"] = CivicGridApp.Password,
            ["Mqtt:Port"] = CivicGridApp.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:BindAddress"] = "127.0.0.1",
        };
        if (trusted)
        {
            settings["Security:TrustedProxies:0"] = "10.0.0.0/8";
            settings["Security:TrustedProxies:1"] = "127.0.0.1";
        }

        await using var server = ServerHost.Build(["--urls", $"http://127.0.0.1:{port}", "--environment", "Production"], settings);
        await server.StartAsync(ct);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
            request.Headers.Host = "civicgrid.example.org";
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
            request.Headers.Add("X-Forwarded-Proto", "https");

            var live = await client.SendAsync(request, ct);

            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(trusted, live.Headers.Contains("Strict-Transport-Security"));
        }
        finally
        {
            await server.StopAsync(ct);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    [Fact]
    public void TrustedProxies_ThatAreNotAddresses_StopTheStart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "civicgrid-proxy-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => ServerHost.Build([], new Dictionary<string, string?>
        {
            ["DataDir"] = dir,
            ["Database:Provider"] = "Sqlite",
            ["Security:TrustedProxies:0"] = "proxy.example.org",
        }));
        Assert.Contains("TrustedProxies", error.Message, StringComparison.Ordinal);
    }
}
