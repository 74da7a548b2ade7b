using Microsoft.Playwright;

namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// Debian's chromium, headless, driven by Playwright's .NET client through the Node driver its package bundles (in the
/// test output's .playwright folder): Playwright cannot download a browser here, so it is given the executable. Each
/// page's uncaught errors are kept for the test to check, and screenshots go to TestResults/dashboard under the test
/// output (and to docs/dashboard with DASHBOARD_SCREENSHOTS_TO_DOCS=1, to refresh the README's pictures).
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>Longest wait of any one expectation on the page.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // The machine's network is closed: without the background-networking flags chromium keeps trying Google's hosts.
    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<string> _pageErrors = [];

    private DashboardBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard");

    /// <summary>Exceptions the pages' scripts did not catch, with the page's URL.</summary>
    public IReadOnlyList<string> PageErrors
    {
        get { lock (_pageErrors) return [.. _pageErrors]; }
    }

    public static async Task<DashboardBrowser> LaunchAsync()
    {
        Tools.Require(Tools.Chromium);
        Assertions.SetDefaultExpectTimeout((float)Deadline.TotalMilliseconds);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Executable,
                Headless = true,
                Args = Arguments,
                Timeout = (float)Deadline.TotalMilliseconds,
            });
            return new DashboardBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A page of its own browser context (its own sessionStorage) on <paramref name="baseUrl"/>, at a laptop's size.</summary>
    public async Task<IPage> NewPageAsync(string baseUrl, int width = 1280, int height = 800)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout((float)Deadline.TotalMilliseconds);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) =>
        {
            lock (_pageErrors) _pageErrors.Add($"{page.Url}: {error}");
        };
        return page;
    }

    /// <summary>Saves the page as TestResults/dashboard/<paramref name="name"/>.png; returns the path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        if (Environment.GetEnvironmentVariable("DASHBOARD_SCREENSHOTS_TO_DOCS") == "1")
        {
            var docs = Path.Combine(RepoPaths.Root, "docs", "dashboard");
            Directory.CreateDirectory(docs);
            File.Copy(path, Path.Combine(docs, $"{name}.png"), overwrite: true);
        }
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
