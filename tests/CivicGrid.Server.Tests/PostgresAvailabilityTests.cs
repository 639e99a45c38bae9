using System.Globalization;
using Npgsql;

namespace CivicGrid.Server.Tests;

/// <summary>
/// Proves that the PostgreSQL server named by <c>CIVICGRID_TEST_POSTGRES</c> (which
/// <c>scripts/test.sh</c> starts) accepts new databases and that they get PostGIS.
/// </summary>
public class PostgresAvailabilityTests
{
    public const string ConnectionStringVariable = "CIVICGRID_TEST_POSTGRES";

    [Fact]
    public async Task NewDatabaseHasPostGis()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var connectionString = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail($"{ConnectionStringVariable} is not set but CI is: PostgreSQL tests must run in CI (use ./scripts/test.sh).");
            }

            TestContext.Current.SendDiagnosticMessage(
                "SKIPPED PostgreSQL check: {0} is not set (run ./scripts/test.sh to get a throwaway PostgreSQL + PostGIS cluster).",
                ConnectionStringVariable);
            return;
        }

        var databaseName = "civicgrid_test_" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);

        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync(cancellationToken);
        await ExecuteAsync(admin, $"CREATE DATABASE \"{databaseName}\"", cancellationToken);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = databaseName };
            await using (var connection = new NpgsqlConnection(builder.ConnectionString))
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT postgis_version()", connection);
                var version = await command.ExecuteScalarAsync(cancellationToken);
                Assert.NotNull(version);
                Assert.IsNotType<DBNull>(version);
                Assert.False(string.IsNullOrWhiteSpace(Convert.ToString(version, CultureInfo.InvariantCulture)));
                NpgsqlConnection.ClearPool(connection);
            }
        }
        finally
        {
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
