using ActorChat.Search;

namespace ActorChat.Tests.Search;

/// <summary>What a typed search means: words, phrases and filters, split and folded as the index splits and folds words.</summary>
public sealed class SearchQuerySpecs
{
    [Fact]
    public void Words_phrases_and_filters_are_told_apart()
    {
        var (query, problem) = SearchQuery.Parse("Fox \"Quick  Brown\" from:@Bob in:#Garden before:2026-12-01 after:2026-11-01 jumps!");

        Assert.Null(problem);
        Assert.Equal(["fox", "jumps"], query!.Words);
        Assert.Equal(["quick", "brown"], Assert.Single(query.Phrases));
        Assert.Equal(("Bob", "Garden"), (query.From, query.In));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), query.Before);
        // After a day means from the next one on.
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero), query.After);
    }

    [Fact]
    public void Words_are_split_on_anything_but_letters_and_digits_and_folded_without_case_or_accents()
    {
        Assert.Equal(["cafe", "creme", "brulee", "2026"], SearchQuery.Split("Café-crème BRÛLÉE, 2026!"));
        var (query, _) = SearchQuery.Parse("\"single\" it's");
        Assert.Equal(["single", "it", "s"], query!.Words);
        Assert.Empty(query.Phrases);
    }

    [Theory]
    [InlineData("", "at least one word")]
    [InlineData("from:alice in:garden", "at least one word")]
    [InlineData("fox before:tomorrow", "before:")]
    [InlineData("a b c d e f g h i j k l m n o p q", "at most 16 words")]
    public void A_query_that_means_nothing_searchable_says_why(string text, string problem)
    {
        var (query, said) = SearchQuery.Parse(text);

        Assert.Null(query);
        Assert.Contains(problem, said, StringComparison.Ordinal);
    }

    [Fact]
    public void The_words_found_are_marked_where_they_are_in_the_text_whatever_their_case_or_accents()
    {
        var (query, _) = SearchQuery.Parse("cafe \"brown fox\"");

        Assert.Equal([(0, 4), (10, 15), (16, 19)], query!.Marks("Café with brown fox, not Cafeteria"));
    }
}
