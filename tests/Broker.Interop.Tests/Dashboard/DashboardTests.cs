using System.Text.RegularExpressions;
using Broker.Interop.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Broker.Interop.Tests.Dashboard;

/// <summary>
/// The dashboard in Debian's chromium driven by Playwright, against our broker as a process with Eclipse Mosquitto's
/// clients connected to it: the login with the forced change of the default password, a client of mosquitto_sub seen
/// and kicked from the clients page, and the overview's message rate moving while mosquitto_pub publishes. Each test has
/// a broker and a browser of its own; the screenshots are kept in TestResults/dashboard.
/// </summary>
public sealed partial class DashboardTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string NewPassword = "dashboard-test-1";

    private static readonly TimeSpan Deadline = DashboardBrowser.Deadline;

    private BrokerProcess _broker = null!;
    private DashboardBrowser _browser = null!;
    private Clients _clients = null!;

    public async Task InitializeAsync()
    {
        if (InteropSkip.Reason([Tools.Chromium, Tools.MosquittoSub, Tools.MosquittoPub], oursOnly: true, ownBroker: true) is not null)
            return;
        _broker = await BrokerProcess.StartOursAsync();
        _browser = await DashboardBrowser.LaunchAsync();
        _clients = new Clients(output, _broker.Endpoint);
    }

    public async Task DisposeAsync()
    {
        foreach (var error in _browser?.PageErrors ?? [])
            output.WriteLine($"page error: {error}");
        _clients?.Dispose();
        if (_browser is not null)
            await _browser.DisposeAsync();
        if (_broker is not null)
        {
            output.WriteLine($"--- broker (pid {_broker.Pid}) ---");
            output.WriteLine(_broker.Output.Transcript);
            await _broker.DisposeAsync();
        }
    }

    // Every test names the tools InitializeAsync needs, so that none runs on a half-made fixture.
    [InteropFact(Tools.Chromium, Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task The_default_admin_logs_in_must_choose_a_new_password_and_then_logs_in_with_it_only()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Broker dashboard" })).ToBeVisibleAsync();
        await DashboardBrowser.ScreenshotAsync(page, "login");

        await LogInAsync(page, "admin", "public");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();
        await DashboardBrowser.ScreenshotAsync(page, "change-password");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(NewPassword);
        await page.GetByLabel("Repeat the new password").FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("current-user")).ToHaveTextAsync("admin");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log in" })).ToBeVisibleAsync();
        await LogInAsync(page, "admin", "public");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong username or password.");

        await LogInAsync(page, "admin", NewPassword);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        Assert.Empty(_browser.PageErrors);
    }

    [InteropFact(Tools.Chromium, Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task A_client_of_mosquitto_sub_appears_in_the_clients_page_and_its_connection_ends_when_kicked_from_it()
    {
        var page = await LoggedInPageAsync();
        var clientId = Names.ClientId("dash-sub");
        var sub = _clients.MosquittoSub("-d", "-V", "mqttv5", "-i", clientId, "-q", "1", "-t", "plant/+/temperature");
        await sub.WaitForLineAsync(MosquittoSubLine.IsSuback, Deadline, "mosquitto_sub's SUBACK");

        await page.GotoAsync("/#/clients");
        await page.GetByLabel("Client ID").FillAsync(clientId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var row = page.Locator($"[data-testid=client-row][data-key=\"{clientId}\"]");
        // The page polls the broker: the row appears at the latest one poll after the connection.
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("yes");
        await DashboardBrowser.ScreenshotAsync(page, "clients");

        await row.GetByRole(AriaRole.Link, new() { Name = clientId }).ClickAsync();
        await Expect(page.GetByTestId("client-details")).ToContainTextAsync(clientId);
        await Expect(page.GetByTestId("client-subscription-row")).ToContainTextAsync("plant/+/temperature");
        await DashboardBrowser.ScreenshotAsync(page, "client-details");

        var beforeKick = sub.TranscriptCount;
        await page.GetByRole(AriaRole.Button, new() { Name = "Kick", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Kick client" });
        await Expect(dialog).ToBeVisibleAsync();
        await DashboardBrowser.ScreenshotAsync(page, "kick-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Kick" }).ClickAsync();
        await Expect(page.GetByText($"{clientId} kicked.")).ToBeVisibleAsync();

        // mosquitto_sub reports the server's DISCONNECT (0x98 = 152, administrative action) and exits: it does not
        // reconnect after a DISCONNECT, only after a lost connection.
        Assert.Equal(0, await sub.WaitForExitAsync(Deadline));
        Assert.Contains(sub.TranscriptSince(beforeKick), line => line.Contains("Received DISCONNECT (152)", StringComparison.Ordinal));
        // The kick discarded its session: the details page, polling, finds no such client any more.
        await Expect(page.GetByTestId("client-gone")).ToBeVisibleAsync();
        Assert.Empty(_browser.PageErrors);
    }

    [InteropFact(Tools.Chromium, Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task The_overview_s_message_rate_moves_while_mosquitto_pub_publishes()
    {
        const int Messages = 300;
        const int Batches = 3;
        var page = await LoggedInPageAsync();
        var topic = Names.Topic("dash-rate");
        // Connected through the screenshot, so that the overview shows a connection, a session and a subscription.
        var sub = _clients.MosquittoSub("-d", "-V", "mqttv5", "-q", "1", "-t", topic);
        await sub.WaitForLineAsync(MosquittoSubLine.IsSuback, Deadline, "mosquitto_sub's SUBACK");

        await page.GotoAsync("/#/overview");
        var received = page.GetByTestId("chart-messages-in");
        // A rate needs two polls: wait for the first one, below one message a second since nothing is published yet.
        await Expect(page.GetByTestId("chart-messages")).ToHaveAttributeAsync("data-points", new Regex("^[1-9]"));
        await Expect(received).ToHaveAttributeAsync("data-peak", BelowOne());
        await Expect(page.GetByTestId("stat-connections-count")).ToHaveTextAsync("1");

        // In batches, each after the chart has drawn two more points, so that the chart shows the rate rise and fall.
        var chart = page.GetByTestId("chart-messages");
        for (var batch = 0; batch < Batches; batch++)
        {
            var samples = int.Parse(await chart.GetAttributeAsync("data-samples") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            var pub = _clients.MosquittoPub("-V", "mqttv5", "-q", "1", "-t", topic, "-l");
            for (var i = 0; i < Messages / Batches; i++)
                await pub.Input.WriteLineAsync($"reading {batch}.{i}");
            pub.Input.Close();
            await pub.ExpectSuccessAsync(Deadline);
            await page.WaitForFunctionAsync(
                "n => Number(document.querySelector('[data-testid=chart-messages]').dataset.samples) >= n", samples + 2);
        }

        await sub.WaitForLinesAsync(line => line.StartsWith("reading ", StringComparison.Ordinal), Messages, Deadline, "the messages at mosquitto_sub");

        // 300 messages within the chart's window: its highest rate of each is one a second at the least.
        await Expect(received).ToHaveAttributeAsync("data-peak", AtLeastOne());
        await Expect(page.GetByTestId("chart-messages-out")).ToHaveAttributeAsync("data-peak", AtLeastOne());
        await DashboardBrowser.ScreenshotAsync(page, "overview");
        await page.SetViewportSizeAsync(768, 1024);
        await DashboardBrowser.ScreenshotAsync(page, "overview-tablet");
        Assert.Empty(_browser.PageErrors);
    }

    private Task<IPage> NewPageAsync() => _browser.NewPageAsync($"http://{_broker.Dashboard}");

    /// <summary>A page logged in as admin, through the forced change of the default password.</summary>
    private async Task<IPage> LoggedInPageAsync()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await LogInAsync(page, "admin", "public");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(NewPassword);
        await page.GetByLabel("Repeat the new password").FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        // The notice of the change goes by itself: not in the screenshots.
        await Expect(page.GetByText("Password changed.")).ToHaveCountAsync(0);
        return page;
    }

    private static async Task LogInAsync(IPage page, string username, string password)
    {
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }

    // Messages a second, as the chart writes them (a JavaScript number): under one, or one and more.
    [GeneratedRegex(@"^0(\.\d+)?(e-\d+)?$")]
    private static partial Regex BelowOne();

    [GeneratedRegex(@"^[1-9]\d*(\.\d+)?$")]
    private static partial Regex AtLeastOne();
}
