using ActorChat.Accounts;
using ActorChat.Host.Auth;
using ActorChat.Host.Http;
using ActorChat.Protocol;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ActorChat.Host.Attachments;

/// <summary>Photos over HTTP: upload one (<c>POST /api/attachments</c>), and fetch it or its thumbnail, to those who may see it.</summary>
public static class AttachmentEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    // What multipart framing adds to a file's own bytes, at most: past the file limit plus this, the body is refused unread.
    private const long FormOverhead = 64 * 1024;

    public static void MapAttachmentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/attachments", UploadAsync).DisableAntiforgery();
        app.MapGet("/api/attachments/{id}", (HttpContext context, string id, ActorSystem system, IRequiredActor<RoomActor> rooms, TokenService tokens, SessionGuard sessions) =>
            ServeAsync(context, id, thumbnail: false, system, rooms, tokens, sessions));
        app.MapGet("/api/attachments/{id}/thumbnail", (HttpContext context, string id, ActorSystem system, IRequiredActor<RoomActor> rooms, TokenService tokens, SessionGuard sessions) =>
            ServeAsync(context, id, thumbnail: true, system, rooms, tokens, sessions));
    }

    /// <summary>The <c>attachment</c> object of the protocol for a stored photo.</summary>
    public static object Describe(AttachmentInfo info) => new
    {
        id = info.Id,
        url = UrlOf(info.Id),
        contentType = info.ContentType,
        size = info.Size,
        width = info.Width,
        height = info.Height,
        thumbnailUrl = UrlOf(info.Id) + "/thumbnail",
    };

    private static string UrlOf(string id) => "/api/attachments/" + id;

    private static async Task<IResult> UploadAsync(HttpContext context, ActorSystem system, TokenService tokens, SessionGuard sessions,
        IOptions<AuthSettings> auth, AttachmentSettings settings, ImageProcessor processor, DecodeGate gate, UploadAdmission admission)
    {
        if (!Credentials.IsAllowedOrigin(context, auth.Value))
            return Error(403, "forbidden");
        if (await SignedInAsync(context, tokens, sessions) is not { } user)
            return Error(401, "invalid_credentials");
        if (context.Request.ContentLength > settings.MaxBytes + FormOverhead)
            return Error(413, "too_large");
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = settings.MaxBytes + FormOverhead;
        // An avatar goes through the same pipeline, cut square (ImageProcessor.Process).
        var purpose = context.Request.Query["purpose"].ToString();
        if (purpose is not ("" or "avatar"))
            return Error(400, "bad_request");
        var avatar = purpose == "avatar";
        var owner = AccountActor.KeyOf(user);
        using var admitted = admission.TryBegin(owner);
        if (admitted is null)
        {
            context.Response.SetRetryAfter(TimeSpan.FromSeconds(1));
            return Error(429, "rate_limited");
        }
        var read = await UploadForm.ReadFileAsync(context.Request, settings.MaxBytes, context.RequestAborted);
        if (read.Bytes is not { } upload)
            return Error(read.Status, read.Error!);

        var store = AttachmentStore.Get(system);
        // Reserved before anything is saved: parallel uploads of one user cannot all fit under the quota at once.
        Func<CancellationToken, Task<long>> stored = cancel => store.UsedBytesAsync(owner, cancel);
        if (!await admitted.TryReserveAsync(stored, upload.Length, context.RequestAborted))
            return Error(413, "quota_exceeded");

        // Decoding is the costly part. One user's images are read and decoded one after another, so that one user
        // holds at most one place in the node's line; each costs its pixels from the user's budget a minute, so that
        // a user of huge images gets fewer decoded; and a few decode at a time on the node, so that uploads never
        // starve the chat of processors.
        if (!await admitted.WaitForDecodeTurnAsync(settings.DecodeWait, context.RequestAborted))
            return Error(503, "unavailable");
        long pixels;
        try
        {
            pixels = processor.PixelsOf(upload);
        }
        catch (UnsupportedImageException e)
        {
            return Results.Json(new { error = "unsupported_type", message = e.Message }, statusCode: 400);
        }
        if (admitted.TryChargePixels(pixels, settings.DecodeWait, out var retryAfter) is not { } budgetWait)
        {
            context.Response.SetRetryAfter(retryAfter);
            return Error(429, "rate_limited");
        }
        ProcessedImage image;
        var decoding = false;
        try
        {
            if (budgetWait > TimeSpan.Zero)
                await Task.Delay(budgetWait, context.RequestAborted);
            if (!await gate.WaitAsync(settings.DecodeWait, context.RequestAborted))
                return Error(503, "unavailable");
            try
            {
                decoding = true;
                image = await Task.Run(() => processor.Process(upload, avatar), context.RequestAborted);
            }
            catch (UnsupportedImageException e)
            {
                return Results.Json(new { error = "unsupported_type", message = e.Message }, statusCode: 400);
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            // A busy node or a client gone before the decode began: the user paid for nothing.
            if (!decoding)
                admitted.RefundPixels(pixels);
        }
        // What is stored is the processed image and its thumbnail, which may be larger than the upload.
        if (!await admitted.TryReserveAsync(stored, image.Image.Length + image.Thumbnail.Length, context.RequestAborted))
            return Error(413, "quota_exceeded");

        var info = new AttachmentInfo(Guid.NewGuid().ToString("N"), owner, image.ContentType, image.Image.Length, image.Width, image.Height,
            image.Thumbnail.Length, DateTimeOffset.UtcNow);
        await admitted.SaveAsync(cancel => store.SaveAsync(info, image.Image, image.Thumbnail, cancel), context.RequestAborted);
        return Results.Json(Describe(info), statusCode: 201);
    }

    private static async Task<IResult> ServeAsync(HttpContext context, string id, bool thumbnail, ActorSystem system, IRequiredActor<RoomActor> rooms,
        TokenService tokens, SessionGuard sessions)
    {
        if (await SignedInAsync(context, tokens, sessions) is not { } user)
            return Error(401, "invalid_credentials");
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower))
            return Error(404, "not_found");
        var store = AttachmentStore.Get(system);
        if (await store.FindAsync(id, context.RequestAborted) is not { } info)
            return Error(404, "not_found");
        var key = AccountActor.KeyOf(user);
        // An avatar is shown to every signed-in user, like the name beside it, while its owner's profile names it.
        if (info.Owner != key && info.Room == AttachmentStore.ProfileRoom)
        {
            if (await MessageTable.Get(system).Profiles.AvatarOfAsync(info.Owner, context.RequestAborted) != id)
                return Error(404, "not_found");
        }
        else if (info.Owner != key)
        {
            // Before it is posted, a photo is its uploader's alone; after, it is as readable as its room.
            if (info.Room is null)
                return Error(404, "not_found");
            try
            {
                if (!await MayReadAsync(system, rooms, info.Room, key))
                    return Error(403, "forbidden");
            }
            catch (AskTimeoutException)
            {
                return Error(503, "unavailable");
            }
        }
        // The bytes of an id never change: a browser that has them is told so, after the access check.
        var etag = $"\"{id}{(thumbnail ? "-t" : "")}\"";
        context.Response.Headers.CacheControl = "private, no-cache";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
            return Results.StatusCode(304);
        var bytes = await store.ReadAsync(id, thumbnail, context.RequestAborted);
        return bytes is null ? Error(404, "not_found") : Results.Bytes(bytes, info.ContentType);
    }

    private static async Task<bool> MayReadAsync(ActorSystem system, IRequiredActor<RoomActor> rooms, string room, string user)
    {
        if (Limits.DirectRoomUsers(room) is var (first, second))
            return user == first || user == second;
        if (!await MessageTable.Get(system).Members.IsPrivateAsync(room))
            return true;
        // A private room's roster is its own: ask it (an AskTimeoutException becomes 503 below).
        return (await rooms.ActorRef.Ask<ReadAccess>(new MayRead(room, user), AskTimeout)).Allowed;
    }

    private static async Task<string?> SignedInAsync(HttpContext context, TokenService tokens, SessionGuard sessions)
    {
        var ticket = Credentials.Authenticate(context, tokens);
        if (ticket is null)
            return null;
        return await sessions.CheckAsync(ticket, context.RequestAborted) == SessionStatus.SignedOut ? null : ticket.User;
    }

    private static IResult Error(int status, string code) => Results.Json(new { error = code }, statusCode: status);
}

/// <summary>How many image decodes run at once on this node (<see cref="AttachmentSettings.MaxConcurrentDecodes"/>).</summary>
public sealed class DecodeGate(AttachmentSettings settings) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(settings.DecodeSlots, settings.DecodeSlots);

    public Task<bool> WaitAsync(TimeSpan wait, CancellationToken cancel) => _slots.WaitAsync(wait, cancel);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}

/// <summary>Removes, now and then, the uploads never attached to a message.</summary>
public sealed class UnpostedAttachmentSweeper(ActorSystem system, AttachmentSettings settings, ILogger<UnpostedAttachmentSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var unfinished = AttachmentStore.Get(system).RemoveUnfinishedFiles();
            if (unfinished > 0)
                logger.LogInformation("Removed {Count} photo files left half-written by an earlier process", unfinished);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not remove half-written photo files");
        }
        var every = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, settings.UnpostedLifetime.Ticks / 4));
        using var timer = new PeriodicTimer(every);
        do
        {
            try
            {
                var removed = await AttachmentStore.Get(system).RemoveUnpostedAsync(DateTimeOffset.UtcNow - settings.UnpostedLifetime, stoppingToken);
                if (removed > 0)
                    logger.LogInformation("Removed {Count} uploads never attached to a message", removed);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException)
            {
                logger.LogWarning(e, "Could not remove unattached uploads; trying again later");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
