using CivicGrid.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations;

namespace CivicGrid.Infrastructure.Persistence;

/// <summary>
/// PostgreSQL migrations with <c>telemetry_readings</c> range-partitioned on "Ts": the table is
/// created <c>PARTITION BY RANGE ("Ts")</c> with a DEFAULT partition, so that the generated Initial
/// migration needs no hand edit. Daily partitions are added at run time by
/// <see cref="TelemetryPartitions"/>; the key and the BRIN index become partitioned ones.
/// </summary>
#pragma warning disable EF1001 // The generator's constructor takes Npgsql's singleton options, an internal service.
public sealed class PartitioningMigrationsSqlGenerator(MigrationsSqlGeneratorDependencies dependencies, INpgsqlSingletonOptions npgsqlOptions)
    : NpgsqlMigrationsSqlGenerator(dependencies, npgsqlOptions)
#pragma warning restore EF1001
{
    protected override void Generate(CreateTableOperation operation, IModel? model, MigrationCommandListBuilder builder, bool terminate = true)
    {
        if (operation.Name != TelemetryPartitions.Table)
        {
            base.Generate(operation, model, builder, terminate);
            return;
        }

        var sql = Dependencies.SqlGenerationHelper;
        base.Generate(operation, model, builder, terminate: false);
        builder.Append(" PARTITION BY RANGE (").Append(sql.DelimitIdentifier("Ts")).Append(")").AppendLine(sql.StatementTerminator);
        EndStatement(builder);

        builder.Append("CREATE TABLE ").Append(sql.DelimitIdentifier(TelemetryPartitions.DefaultPartition, operation.Schema))
            .Append(" PARTITION OF ").Append(sql.DelimitIdentifier(operation.Name, operation.Schema))
            .Append(" DEFAULT");
        if (terminate)
        {
            builder.AppendLine(sql.StatementTerminator);
            EndStatement(builder);
        }
    }
}
