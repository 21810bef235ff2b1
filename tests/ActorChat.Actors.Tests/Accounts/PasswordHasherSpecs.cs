using ActorChat.Accounts;

namespace ActorChat.Tests.Accounts;

public sealed class PasswordHasherSpecs
{
    [Fact]
    public void A_hash_keeps_the_cost_it_was_made_with_so_a_new_cost_locks_nobody_out()
    {
        var strong = new PasswordHasher().Hash("correct horse battery");
        var cheap = new PasswordHasher(PasswordHasher.MinIterations).Hash("correct horse battery");

        Assert.Contains("$210000$", strong, StringComparison.Ordinal);
        Assert.Contains("$1000$", cheap, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify("correct horse battery", strong));
        Assert.True(PasswordHasher.Verify("correct horse battery", cheap));
        Assert.False(PasswordHasher.Verify("correct horse batterY", strong));
        Assert.NotEqual(new PasswordHasher(PasswordHasher.MinIterations).Hash("correct horse battery"), cheap);
    }

    [Fact]
    public void The_decoy_costs_what_a_real_hash_of_the_same_hasher_costs_and_matches_no_password()
    {
        var hasher = new PasswordHasher(PasswordHasher.MinIterations);

        Assert.Contains("$1000$", hasher.Decoy, StringComparison.Ordinal);
        Assert.False(PasswordHasher.Verify("", hasher.Decoy));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordHasher(999));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pbkdf2-sha512$0$AAAA$AAAA")]
    [InlineData("md5$1000$AAAA$AAAA")]
    [InlineData("pbkdf2-sha512$many$AAAA$AAAA")]
    public void A_stored_hash_in_no_known_form_matches_nothing(string stored) =>
        Assert.False(PasswordHasher.Verify("correct horse battery", stored));
}
