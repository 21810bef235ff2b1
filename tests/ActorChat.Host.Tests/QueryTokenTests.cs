using ActorChat.Host.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace ActorChat.Host.Tests;

/// <summary>The socket's token is read from its query without keeping the parsed query, and reads as ASP.NET Core's own query reader reads it.</summary>
public sealed class QueryTokenTests
{
    [Theory]
    [InlineData("?access_token=abc.def.ghi")]
    [InlineData("?v=2&access_token=abc.def.ghi&resume=1")]
    [InlineData("?ACCESS_TOKEN=upper")]
    [InlineData("?access%5Ftoken=escaped-name")]
    [InlineData("?access_token=a%2Bb+c%3D%3D")]
    [InlineData("?access_token=first&access_token=second")]
    [InlineData("?access_token=")]
    [InlineData("?access_token")]
    [InlineData("?other=1")]
    [InlineData("?")]
    [InlineData("")]
    [InlineData("?&&access_token=after-empty-pairs&")]
    public void The_token_is_what_the_frameworks_query_reader_finds(string query)
    {
        var framework = new QueryCollection(QueryHelpers.ParseQuery(query));
        var expected = framework.TryGetValue("access_token", out var values) ? values.ToString() : null;

        Assert.Equal(expected, Credentials.QueryToken(new QueryString(query.Length == 0 ? null : query)));
    }
}
