using System.Globalization;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Infrastructure.Audit;

/// <summary>The outcome of checking the audit trail.</summary>
/// <param name="Intact">True when every entry, the chain head and every checkpoint agree.</param>
/// <param name="Entries">Entries checked (up to the first break).</param>
/// <param name="Checkpoints">Checkpoints checked.</param>
/// <param name="FirstBrokenSequence">The first entry found wrong (missing, altered, unlinked or extra); null when intact or when only the head or a checkpoint is wrong.</param>
/// <param name="Problem">What is wrong, in one line; null when intact.</param>
public sealed record AuditVerification(bool Intact, long Entries, int Checkpoints, long? FirstBrokenSequence, string? Problem);

/// <summary>
/// Recomputes the chain from entry 1: every sequence number present once and in order, every
/// entry linked to the one before, every hash matching its entry, the head matching the last
/// entry, and every checkpoint signed with the checkpoint key and matching its entry.
/// </summary>
public static class AuditVerifier
{
    public static async Task<AuditVerification> VerifyAsync(CivicGridDbContext db, byte[] checkpointKey, CancellationToken ct)
    {
        var head = await db.AuditChainHead.AsNoTracking().FirstOrDefaultAsync(ct);
        var checkpoints = await db.AuditCheckpoints.AsNoTracking().OrderBy(c => c.Sequence).ToListAsync(ct);
        foreach (var c in checkpoints)
        {
            if (!AuditChain.SignatureValid(checkpointKey, c))
            {
                return Broken(0, checkpoints.Count, null, $"checkpoint at entry #{N(c.Sequence)} has an invalid signature (forged or altered, or another checkpoint key)");
            }
        }

        var anchors = checkpoints.ToDictionary(c => c.Sequence, c => c.Hash);
        long expected = 1;
        var previous = AuditChain.GenesisHash;
        await foreach (var e in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            var checkedSoFar = expected - 1;
            if (head is not null && e.Sequence > head.LastSequence)
            {
                return Broken(checkedSoFar, checkpoints.Count, e.Sequence, $"entry #{N(e.Sequence)} lies beyond the end of the chain (#{N(head.LastSequence)}): inserted");
            }

            if (e.Sequence != expected)
            {
                return Broken(checkedSoFar, checkpoints.Count, expected, e.Sequence > expected
                    ? $"entry #{N(expected)} is missing (the next entry is #{N(e.Sequence)}): deleted"
                    : $"entry #{N(e.Sequence)} is out of place: inserted");
            }

            if (!string.Equals(e.PreviousHash, previous, StringComparison.Ordinal))
            {
                return Broken(checkedSoFar, checkpoints.Count, e.Sequence, $"entry #{N(e.Sequence)} does not link to entry #{N(e.Sequence - 1)}: inserted or replaced");
            }

            var hash = AuditChain.ComputeHash(e);
            if (!string.Equals(hash, e.Hash, StringComparison.Ordinal))
            {
                return Broken(checkedSoFar, checkpoints.Count, e.Sequence, $"entry #{N(e.Sequence)} does not match its hash: altered");
            }

            if (anchors.TryGetValue(e.Sequence, out var anchored) && !string.Equals(anchored, hash, StringComparison.Ordinal))
            {
                return Broken(checkedSoFar, checkpoints.Count, e.Sequence, $"entry #{N(e.Sequence)} differs from its signed checkpoint: the chain was rewritten from here");
            }

            previous = hash;
            expected++;
        }

        var last = expected - 1;
        if (head is null)
        {
            return Broken(last, checkpoints.Count, null, "the chain head row is missing");
        }

        if (head.LastSequence != last)
        {
            return Broken(last, checkpoints.Count, last + 1, $"entry #{N(last + 1)} is missing (the chain ends at #{N(head.LastSequence)}): deleted");
        }

        if (!string.Equals(head.LastHash, previous, StringComparison.Ordinal))
        {
            return Broken(last, checkpoints.Count, null, $"the chain head does not match entry #{N(last)}");
        }

        if (checkpoints.Count > 0 && checkpoints[^1].Sequence > last)
        {
            return Broken(last, checkpoints.Count, last + 1, $"entries #{N(last + 1)}–#{N(checkpoints[^1].Sequence)} are missing although a checkpoint anchors #{N(checkpoints[^1].Sequence)}: deleted");
        }

        return new AuditVerification(true, last, checkpoints.Count, null, null);
    }

    private static AuditVerification Broken(long entries, int checkpoints, long? sequence, string problem) =>
        new(false, entries, checkpoints, sequence, problem);

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);
}
