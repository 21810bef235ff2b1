using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Cluster.Tests;

/// <summary>
/// One node's operator console in Chromium follows the whole cluster: every member with the figures it reports
/// itself, then a member killed, shown unreachable, then gone once the others have removed it.
/// </summary>
public sealed class OperatorConsoleTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Room = "console-watch";
    // Joining, failure detection, downing and removal on a shared 2-core machine: deadlines, not waits.
    private static readonly LocatorAssertionsToHaveCountOptions ClusterDeadline = new() { Timeout = 60_000 };
    private static readonly string ScreenshotDirectory = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private readonly ThreeNodeCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_nodes_console_shows_every_member_with_its_figures_and_a_killed_one_unreachable_then_removed()
    {
        var (watched, doomed) = (_cluster.Nodes[0], _cluster.Nodes[2]);
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1400, Height = 800 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(watched.ManagementAddress.ToString());

        // Every member up, each answering with its own figures, this node and the leader marked.
        var answering = page.Locator("[data-testid=member][data-status=up][data-reachable=true][data-answer=ok]");
        await Expect(answering).ToHaveCountAsync(3, ClusterDeadline);
        await Expect(page.GetByTestId("member")).ToHaveCountAsync(3);
        foreach (var node in _cluster.Nodes)
            await Expect(Row(page, node).GetByTestId("rooms")).ToBeVisibleAsync();
        await Expect(Row(page, watched).Locator(".badge.self")).ToHaveTextAsync("this node");
        await Expect(page.GetByTestId("leader-badge")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("total-up")).ToHaveTextAsync("3 of 3");

        // Someone talks through the watched node until the console shows the room's node storing messages.
        await ClusterClients.RegisterAsync(watched, "console_talker");
        await using (var talker = await ClusterClients.ConnectAsync(watched, "console_talker"))
        {
            await talker.JoinAsync(Room);
            using var talking = new CancellationTokenSource();
            var talk = TalkAsync(talker, talking.Token);
            try
            {
                await Expect(page.Locator("[data-testid=stored-rate]:not([data-value=''],[data-value='0'])")).ToHaveCountAsync(1, ClusterDeadline);
                await Expect(page.Locator("[data-testid=stored-total]:not([data-value='0'])")).ToHaveCountAsync(1);
                await Expect(page.Locator("[data-testid=delivered-rate]:not([data-value=''],[data-value='0'])").First).ToBeVisibleAsync();
                await Expect(page.Locator("[data-testid=journal][data-p99]")).ToHaveCountAsync(1);
                await Expect(Row(page, watched).GetByTestId("connections")).ToHaveAttributeAsync("data-value", "1");
                await Expect(page.GetByTestId("total-rooms")).ToHaveTextAsync("1");
                await ScreenshotAsync(page, "operator-console-three-nodes");
            }
            finally
            {
                await talking.CancelAsync();
                await talk;
            }
        }

        // A member dies: first the failure detector loses it, then the others down and remove it.
        doomed.Kill();
        await Expect(Row(page, doomed)).ToHaveAttributeAsync("data-reachable", "false", new() { Timeout = 60_000 });
        await Expect(Row(page, doomed).GetByTestId("unreachable")).ToHaveTextAsync("UNREACHABLE");
        await Expect(Row(page, doomed).GetByTestId("no-figures")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("total-unreachable")).ToHaveTextAsync("1");
        await ScreenshotAsync(page, "operator-console-node-unreachable");

        await Expect(Row(page, doomed)).ToHaveCountAsync(0, ClusterDeadline);
        await Expect(page.GetByTestId("member")).ToHaveCountAsync(2);
        await Expect(answering).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("total-unreachable")).ToHaveTextAsync("0");
        await ScreenshotAsync(page, "operator-console-node-removed");
    }

    private static ILocator Row(IPage page, ClusterNode node) =>
        page.Locator($"[data-testid=member][data-address='{node.AkkaAddress}']");

    /// <summary>Sends a message every 100 ms, each after the previous one's ack, until cancelled.</summary>
    private static async Task TalkAsync(ChatClient talker, CancellationToken cancellationToken)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            for (var i = 0; await pace.WaitForNextTickAsync(cancellationToken); i++)
            {
                await talker.SendAsync(new { type = "send", room = Room, id = $"t{i}", text = $"figure {i}" });
                await talker.ExpectAsync("ack");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }
}
