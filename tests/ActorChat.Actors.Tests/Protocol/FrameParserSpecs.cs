using System.Text;
using ActorChat.Protocol;

namespace ActorChat.Tests.Protocol;

public sealed class FrameParserSpecs
{
    private static ClientFrame Parse(string json) => FrameParser.Parse(Encoding.UTF8.GetBytes(json));

    private static ProtocolError Rejected(string json) => Assert.IsType<RejectedFrame>(Parse(json)).Error;

    [Theory]
    [InlineData("not json", "bad_frame")]
    [InlineData("[1,2]", "bad_frame")]
    [InlineData("""{"room":"a"}""", "bad_frame")]
    [InlineData("""{"type":7}""", "bad_frame")]
    [InlineData("""{"type":"dance"}""", "unknown_type")]
    [InlineData("""{"type":"join"}""", "bad_frame")]
    [InlineData("""{"type":"join","room":"Lobby"}""", "invalid_room")]
    [InlineData("""{"type":"join","room":""}""", "invalid_room")]
    [InlineData("""{"type":"join","room":"a","since":"5"}""", "bad_frame")]
    [InlineData("""{"type":"join","room":"a","since":-1}""", "bad_frame")]
    [InlineData("""{"type":"send","room":"a","text":"hi"}""", "bad_frame")]
    [InlineData("""{"type":"send","room":"a","id":"","text":"hi"}""", "bad_frame")]
    [InlineData("""{"type":"send","room":"a","id":"1","text":""}""", "bad_frame")]
    [InlineData("""{"type":"history","room":"a","limit":0}""", "bad_frame")]
    [InlineData("""{"type":"history","room":"a","limit":201}""", "bad_frame")]
    [InlineData("""{"type":"read","room":"a"}""", "bad_frame")]
    [InlineData("""{"type":"refresh"}""", "bad_frame")]
    [InlineData("""{"type":"send","room":"a","id":"x","text":"\ud800"}""", "bad_frame")]
    [InlineData("""{"type":"\udc00"}""", "bad_frame")]
    [InlineData("""{"type":"notify","room":"a"}""", "bad_frame")]
    [InlineData("""{"type":"notify","room":"a","level":"loud"}""", "bad_frame")]
    [InlineData("""{"type":"notify","room":"A","level":"muted"}""", "invalid_room")]
    [InlineData("""{"type":"profile"}""", "bad_frame")]
    [InlineData("""{"type":"profile","name":7}""", "bad_frame")]
    [InlineData("""{"type":"profile","name":"two\nlines"}""", "bad_frame")]
    [InlineData("""{"type":"profile","avatar":"photo.png"}""", "bad_frame")]
    [InlineData("""{"type":"profile","name":"Bob\n"}""", "bad_frame")]
    [InlineData("""{"type":"profile","name":"Bob\u2028Smith"}""", "bad_frame")]
    [InlineData("""{"type":"profile","status":"\u202Eevil"}""", "bad_frame")]
    [InlineData("""{"type":"profiles"}""", "bad_frame")]
    [InlineData("""{"type":"profiles","users":[]}""", "bad_frame")]
    [InlineData("""{"type":"profiles","users":["no spaces"]}""", "bad_frame")]
    public void Bad_frames_get_the_precise_error_code(string json, string code) =>
        Assert.Equal(code, Rejected(json).Code);

    [Theory]
    [InlineData("all", RoomNotify.All)]
    [InlineData("mentions", RoomNotify.Mentions)]
    [InlineData("muted", RoomNotify.Muted)]
    public void A_notify_frame_names_its_room_and_one_of_the_three_levels(string level, RoomNotify expected) =>
        Assert.Equal(new NotifyFrame("garden", expected), Parse($$"""{"type":"notify","room":"garden","level":"{{level}}"}"""));

    [Fact]
    public void Text_over_4000_characters_is_too_large_and_names_the_message()
    {
        var error = Rejected($$"""{"type":"send","room":"a","id":"big","text":"{{new string('x', 4001)}}"}""");

        Assert.Equal("too_large", error.Code);
        Assert.Equal("big", error.Ref);
    }

    [Fact]
    public void Text_length_counts_characters_not_utf16_units()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 4000));

        Assert.IsType<SendFrame>(Parse($$"""{"type":"send","room":"a","id":"e","text":"{{emoji}}"}"""));
    }

    [Fact]
    public void Well_formed_frames_become_typed_frames()
    {
        Assert.Equal(new JoinFrame("lobby", 12), Parse("""{"type":"join","room":"lobby","since":12}"""));
        Assert.Equal(new JoinFrame("lobby", null), Parse("""{"type":"join","room":"lobby","since":null}"""));
        Assert.Equal(new SendFrame("a-b_1", "c1", "<b>hi</b>"), Parse("""{"type":"send","room":"a-b_1","id":"c1","text":"<b>hi</b>","extra":true}"""));
        Assert.Equal(new HistoryFrame("a", 40, 50), Parse("""{"type":"history","room":"a","before":40}"""));
        Assert.Equal(new ReadFrame("a", 3), Parse("""{"type":"read","room":"a","seq":3}"""));
        Assert.Same(PingFrame.Instance, Parse("""{"type":"ping"}"""));
    }

    [Fact]
    public void A_profile_frame_sets_the_fields_it_names_trimmed_and_clears_those_given_empty_or_null()
    {
        var edit = Assert.IsType<ProfileFrame>(Parse("""{"type":"profile","name":"  Alice Liddell ","status":""}""")).Edit;
        Assert.Equal(new ActorChat.Accounts.ProfileEdit(SetName: true, "Alice Liddell", SetStatus: true, null, SetAvatar: false, null), edit);

        var avatar = new string('c', 32);
        edit = Assert.IsType<ProfileFrame>(Parse($$"""{"type":"profile","avatar":"{{avatar}}","status":null}""")).Edit;
        Assert.Equal(new ActorChat.Accounts.ProfileEdit(false, null, SetStatus: true, null, SetAvatar: true, avatar), edit);
    }

    [Fact]
    public void Profile_texts_over_their_bounds_are_too_large_counted_in_characters()
    {
        Assert.Equal("too_large", Rejected($$"""{"type":"profile","name":"{{new string('x', 65)}}"}""").Code);
        Assert.Equal("too_large", Rejected($$"""{"type":"profile","status":"{{new string('x', 141)}}"}""").Code);
        Assert.IsType<ProfileFrame>(Parse($$"""{"type":"profile","name":"{{string.Concat(Enumerable.Repeat("🐇", 64))}}"}"""));
        // One character as the user sees it, but a stack of combining marks: the raw length is bounded too.
        var stacked = string.Concat(Enumerable.Repeat("a" + new string('\u0301', 10), 64));
        Assert.Equal("too_large", Rejected($$"""{"type":"profile","name":"{{stacked}}"}""").Code);
    }

    [Fact]
    public void A_profiles_frame_names_up_to_a_hundred_users()
    {
        Assert.Equal(["alice", "Bob"], Assert.IsType<ProfilesFrame>(Parse("""{"type":"profiles","users":["alice","Bob"]}""")).Users);
        var many = string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"user{i}\""));
        Assert.Equal("bad_frame", Rejected($$"""{"type":"profiles","users":[{{many}}]}""").Code);
    }
}
