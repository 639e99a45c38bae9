using System.Security.Claims;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Cases;

/// <summary>Photos and documents on a case.</summary>
public static class CaseAttachments
{
    private static readonly char[] BadNameChars = [.. Path.GetInvalidFileNameChars(), '\\', '/', ':'];

    public static async Task<IResult> UploadAsync(string id, IFormFile? file, ClaimsPrincipal user, CaseCommands commands, AttachmentStore store, IOptions<AttachmentOptions> options, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            throw new DomainValidationException("file", "Send one non-empty file in the multipart field 'file'.");
        }

        if (file.Length > options.Value.MaxBytes)
        {
            return Results.Problem(statusCode: 413, title: "Attachment too large", detail: $"The file has {file.Length} bytes; the limit is {options.Value.MaxBytes}.",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["file"] = ["too large"] } });
        }

        var @case = await commands.LoadForAsync(id, user.ToActor(), tracking: false, ct);
        var head = new byte[16];
        int read;
        await using (var s = file.OpenReadStream())
        {
            read = await s.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        }

        var detected = AttachmentStore.DetectContentType(head.AsSpan(0, read));
        if (detected is null)
        {
            return Results.Problem(statusCode: 415, title: "Unsupported attachment type",
                detail: "Only JPEG, PNG, GIF, WebP images and PDF documents are accepted; the content is none of these.",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["file"] = ["unsupported content"] } });
        }

        var declared = file.ContentType;
        if (!string.IsNullOrEmpty(declared) && !string.Equals(declared, "application/octet-stream", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(Normalise(declared), detected, StringComparison.OrdinalIgnoreCase))
        {
            throw new DomainValidationException("file", $"The file is declared as {declared} but its content is {detected}.");
        }

        var name = CleanName(file.FileName, detected);
        var now = commands.Clock.GetUtcNow();
        string key;
        string sha;
        await using (var s = file.OpenReadStream())
        {
            (key, sha) = await store.SaveAsync(s, now, ct);
        }

        var attachment = new CaseAttachment
        {
            CaseId = @case.Id,
            FileName = name,
            ContentType = detected,
            Size = file.Length,
            Sha256 = sha,
            StorageKey = key,
            UploadedById = user.ToActor().UserId,
            UploadedAt = now,
        };
        commands.Db.CaseAttachments.Add(attachment);
        try
        {
            await commands.Db.SaveChangesAsync(ct);
        }
        catch
        {
            store.Delete(key);
            throw;
        }

        var url = $"/api/v1/cases/{@case.Id}/attachments/{attachment.Id}";
        return Results.Created(url, new AttachmentDto(attachment.Id, name, detected, attachment.Size, sha, null, now, url));
    }

    public static async Task<IResult> DownloadAsync(string id, Guid attachmentId, CaseCommands commands, AttachmentStore store, HttpContext http, CancellationToken ct)
    {
        var @case = await commands.LoadForAsync(id, http.User.ToActor(), tracking: false, ct);
        var attachment = await commands.Db.CaseAttachments.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == attachmentId && a.CaseId == @case.Id, ct)
            ?? throw new NotFoundException("Attachment", attachmentId.ToString());
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Stream(store.Open(attachment.StorageKey), attachment.ContentType, attachment.FileName);
    }

    private static string Normalise(string contentType) =>
        contentType.Split(';')[0].Trim() switch
        {
            "image/jpg" or "image/pjpeg" => "image/jpeg",
            var other => other,
        };

    /// <summary>Keeps the last path segment, drops control and path characters, bounds the length.</summary>
    private static string CleanName(string? uploaded, string contentType)
    {
        var name = (uploaded ?? string.Empty).Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        name = new string([.. name.Where(ch => !char.IsControl(ch) && Array.IndexOf(BadNameChars, ch) < 0)]).Trim().TrimStart('.');
        if (name.Length == 0)
        {
            name = "attachment" + contentType switch
            {
                "image/jpeg" => ".jpg",
                "image/png" => ".png",
                "image/gif" => ".gif",
                "image/webp" => ".webp",
                _ => ".pdf",
            };
        }

        return name.Length > 120 ? name[^120..] : name;
    }
}
