using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class HealthTests : ServerTest
{
    [Fact]
    public async Task A_single_node_on_the_embedded_store_is_alive_and_becomes_ready()
    {
        var alive = await Server.Http.GetAsync("/healthz");
        var ready = await Eventually.Value(() => Server.Http.GetAsync("/readyz"), response => response.StatusCode == HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("ok", await alive.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("up", body.GetProperty("cluster").GetString());
        Assert.Equal("reachable", body.GetProperty("storage").GetString());
    }
}
