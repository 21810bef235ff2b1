using ActorChat.Protocol;

namespace ActorChat.Tests.Protocol;

/// <summary>The server's rule for a mention, which must agree with the page's (web/js/ui/richtext.js).</summary>
public sealed class MentionsSpecs
{
    [Theory]
    [InlineData("hi @alice", true)]
    [InlineData("@Alice, look", true)]
    [InlineData("thanks @alice.", true)]
    [InlineData("(@alice)", true)]
    [InlineData("@alice_b is someone else", false)]
    [InlineData("@alicex", false)]
    [InlineData("mail alice@alice.example", false)]
    [InlineData("x@alice", false)]
    [InlineData("see `@alice` in code", false)]
    [InlineData("https://example.com/@alice is a link", false)]
    [InlineData("no mention of alice at all", false)]
    [InlineData("@@alice", false)]
    public void A_mention_is_at_name_outside_words_addresses_code_and_links(string text, bool mentioned) =>
        Assert.Equal(mentioned, Mentions.Of(text, "alice"));

    [Fact]
    public void Names_with_dots_and_dashes_are_mentioned_whole() =>
        Assert.True(Mentions.Of("ping @j.doe-2 please", "J.Doe-2"));
}
