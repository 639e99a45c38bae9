using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Infrastructure.Audit;

/// <summary>
/// The hash chain of the audit trail: canonical form, hashes, checkpoint signatures, and appending
/// under the chain head's lock.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of entry 1.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>
    /// The canonical form an entry's hash covers: a JSON array of every field in a fixed order,
    /// the instant as UTC with microseconds (what PostgreSQL keeps), and the previous hash.
    /// </summary>
    public static string Canonical(AuditEntry e) =>
        JsonSerializer.Serialize(new object?[]
        {
            "civicgrid-audit-v1",
            e.Sequence,
            Instant(e.At),
            e.ActorId?.ToString("D"),
            e.ActorName,
            e.ActorRole,
            e.Action,
            e.EntityType,
            e.EntityId,
            e.Before,
            e.After,
            e.ClientAddress,
            e.CorrelationId,
            e.TraceId,
            e.PreviousHash,
        });

    /// <summary>Lower-case hex SHA-256 of the canonical form.</summary>
    public static string ComputeHash(AuditEntry e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(e))));

    /// <summary>What a checkpoint signs.</summary>
    public static string CheckpointPayload(long sequence, string hash, DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"civicgrid-audit-checkpoint-v1|{sequence}|{hash}|{Instant(at)}");

    public static string Sign(byte[] key, long sequence, string hash, DateTimeOffset at) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(CheckpointPayload(sequence, hash, at))));

    public static bool SignatureValid(byte[] key, AuditCheckpoint c)
    {
        byte[] given;
        try
        {
            given = Convert.FromBase64String(c.Signature);
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(CheckpointPayload(c.Sequence, c.Hash, c.At)));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>An instant cut to whole microseconds, so that it survives a round trip through PostgreSQL unchanged.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);

    private static string Instant(DateTimeOffset at) =>
        ToMicroseconds(at).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Numbers and hashes <paramref name="entries"/> after the current end of the chain. Must run in
    /// the transaction that inserts them: the first statement takes the chain head's row lock (a
    /// write lock on SQLite), so concurrent appenders queue and the sequence has no gaps.
    /// </summary>
    public static async Task LinkAsync(CivicGridDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        var n = entries.Count;
        var rows = await db.Database.SqlQuery<HeadRow>($"""
            UPDATE audit_chain_head SET "LastSequence" = "LastSequence" + {n}
            WHERE "Id" = {AuditChainHead.SingletonId}
            RETURNING "LastSequence", "LastHash"
            """).ToListAsync(ct);
        if (rows.Count != 1)
        {
            throw new InvalidOperationException("The audit chain head row is missing: the database was not migrated, or the row was deleted.");
        }

        var sequence = rows[0].LastSequence - n;
        var previous = rows[0].LastHash;
        foreach (var e in entries)
        {
            e.Sequence = ++sequence;
            e.PreviousHash = previous;
            e.Hash = ComputeHash(e);
            previous = e.Hash;
        }

        await db.Database.ExecuteSqlAsync($"""
            UPDATE audit_chain_head SET "LastHash" = {previous} WHERE "Id" = {AuditChainHead.SingletonId}
            """, ct);
    }

    /// <summary>The chain head as read by <see cref="LinkAsync"/>.</summary>
    private sealed class HeadRow
    {
        public long LastSequence { get; init; }

        public string LastHash { get; init; } = string.Empty;
    }
}
