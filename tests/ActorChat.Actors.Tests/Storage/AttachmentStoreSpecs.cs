using ActorChat.Storage;

namespace ActorChat.Tests.Storage;

/// <summary>The photo store on a single node: files in the data directory, described beside the message table.</summary>
public sealed class AttachmentStoreSpecs : ChatSpec
{
    private string Folder => Path.Combine(DataFolder, "attachments");

    private static AttachmentInfo Photo(string owner, DateTimeOffset at) =>
        new(Guid.NewGuid().ToString("N"), owner, "image/png", 3, 1, 1, 2, at);

    [Fact]
    public async Task Uploads_never_attached_are_swept_after_their_time_with_their_files_and_attached_ones_stay()
    {
        var store = AttachmentStore.Get(Sys);
        var old = DateTimeOffset.UtcNow.AddDays(-2);
        var forgotten = Photo("alice", old);
        var posted = Photo("alice", old);
        var fresh = Photo("alice", DateTimeOffset.UtcNow);
        foreach (var photo in new[] { forgotten, posted, fresh })
            await store.SaveAsync(photo, [1, 2, 3], [4, 5]);
        Assert.NotNull(await store.ClaimAsync(posted.Id, "alice", "garden", "m1"));

        var removed = await store.RemoveUnpostedAsync(DateTimeOffset.UtcNow.AddDays(-1));

        Assert.Equal(1, removed);
        Assert.Null(await store.FindAsync(forgotten.Id));
        Assert.Null(await store.ReadAsync(forgotten.Id, thumbnail: false));
        Assert.Empty(Directory.EnumerateFiles(Folder, forgotten.Id + "*", SearchOption.AllDirectories));
        Assert.Equal([1, 2, 3], await store.ReadAsync(posted.Id, thumbnail: false));
        Assert.Equal([4, 5], await store.ReadAsync(fresh.Id, thumbnail: true));
        Assert.Equal(10, await store.UsedBytesAsync("alice"));
    }

    [Fact]
    public async Task Only_the_uploader_attaches_a_photo_and_only_to_one_message_though_a_retry_of_it_may_again()
    {
        var store = AttachmentStore.Get(Sys);
        var photo = Photo("alice", DateTimeOffset.UtcNow);
        await store.SaveAsync(photo, [1], [2]);

        Assert.Null(await store.ClaimAsync(photo.Id, "bob", "garden", "b1"));
        Assert.Equal(("garden", "a1"), ((await store.ClaimAsync(photo.Id, "alice", "garden", "a1"))!.Room, (await store.FindAsync(photo.Id))!.MessageId));
        Assert.NotNull(await store.ClaimAsync(photo.Id, "alice", "garden", "a1"));
        Assert.Null(await store.ClaimAsync(photo.Id, "alice", "garden", "a2"));
        Assert.Null(await store.ClaimAsync(photo.Id, "alice", "attic", "a1"));
    }
}
