package dev.switchboard.testing;

import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by Selenium against the real server: one browser per test
 * class, a fresh profile each time. Paths come from SWITCHBOARD_TEST_CHROMIUM and
 * SWITCHBOARD_TEST_CHROMEDRIVER, else /usr/bin/chromium and /usr/bin/chromedriver.
 */
public final class Browser implements AutoCloseable {

    public static final int DESKTOP_WIDTH = 1280;
    public static final int PHONE_WIDTH = 390;
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path profile;
    private final String base;

    private static Path chromium() {
        return Path.of(System.getenv().getOrDefault("SWITCHBOARD_TEST_CHROMIUM", "/usr/bin/chromium"));
    }

    private static Path chromedriver() {
        return Path.of(System.getenv().getOrDefault("SWITCHBOARD_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    }

    /** What is missing to run browser tests, or null when nothing is. */
    static String missing() {
        if (!Files.isExecutable(chromium())) return chromium() + " (Chromium)";
        if (!Files.isExecutable(chromedriver())) return chromedriver() + " (chromedriver)";
        return null;
    }

    public Browser(int port) {
        this.base = "http://127.0.0.1:" + port;
        try {
            this.profile = Files.createTempDirectory("switchboard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var options = new ChromeOptions()
                .setBinary(chromium().toFile())
                .addArguments(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-dev-shm-usage",
                        "--user-data-dir=" + profile,
                        "--window-size=" + DESKTOP_WIDTH + ",900");
        // The browser's console, so a test can see what the Content-Security-Policy blocked.
        var logging = new org.openqa.selenium.logging.LoggingPreferences();
        logging.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver().toFile())
                .usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String path) {
        driver.get(base + path);
    }

    public String path() {
        return java.net.URI.create(driver.getCurrentUrl()).getPath();
    }

    public String html() {
        return driver.getPageSource();
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Starts a fresh session: no cookies from an earlier test. */
    public void forgetSession() {
        open("/ui/sign-in");
        driver.manage().deleteAllCookies();
    }

    public void signIn(String key) {
        forgetSession();
        open("/ui/sign-in");
        find("#key").sendKeys(key);
        clickToLoad("main form button[type=submit]");
    }

    /** Clicks something that loads a new page (a link, a form's button) and waits for that page. */
    public void clickToLoad(String css) {
        // A mark on the old page's window: gone once the new page has replaced it.
        ((JavascriptExecutor) driver).executeScript("window.switchboardOldPage = true;");
        find(css).click();
        new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(20))
                .ignoring(org.openqa.selenium.WebDriverException.class)
                .until(
                        d -> Boolean.TRUE.equals(
                                ((JavascriptExecutor) d)
                                        .executeScript(
                                                "return window.switchboardOldPage === undefined && document.readyState === 'complete';")));
    }

    public String cookie(String name) {
        var c = driver.manage().getCookieNamed(name);
        return c == null ? null : c.getValue();
    }

    /** axe-core's serious and critical violations on the current page, as readable lines. */
    public List<String> seriousAccessibilityViolations() {
        var results = new AxeBuilder().analyze(driver);
        return results.getViolations().stream()
                .filter(r -> Set.of("serious", "critical").contains(r.getImpact()))
                .map(Browser::describe)
                .toList();
    }

    private static String describe(Rule r) {
        return r.getImpact() + " " + r.getId() + ": " + r.getHelp() + " at "
                + r.getNodes().stream().map(n -> String.valueOf(n.getTarget())).toList();
    }

    /**
     * Saves target/screenshots/{name}-desktop.png and -phone.png (full page height), and returns
     * to desktop width.
     */
    public void screenshots(String name) {
        shoot(name + "-desktop", DESKTOP_WIDTH);
        shoot(name + "-phone", PHONE_WIDTH);
        driver.manage().window().setSize(new Dimension(DESKTOP_WIDTH, 900));
    }

    /** The page's width in CSS pixels beyond the window: 0 when nothing overflows sideways. */
    public long horizontalOverflow() {
        Object o = ((JavascriptExecutor) driver)
                .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        return ((Number) o).longValue();
    }

    public void resize(int width) {
        driver.manage().window().setSize(new Dimension(width, 900));
    }

    private void shoot(String file, int width) {
        resize(width);
        // The window is taller than its viewport (headless Chromium keeps room for its toolbar).
        Object size = ((JavascriptExecutor) driver)
                .executeScript(
                        "return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight];");
        var sizes = (List<?>) size;
        int height = ((Number) sizes.get(0)).intValue() + ((Number) sizes.get(1)).intValue();
        driver.manage().window().setSize(new Dimension(width, Math.max(600, Math.min(4000, height))));
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.copy(
                    driver.getScreenshotAs(OutputType.FILE).toPath(),
                    SCREENSHOTS.resolve(file + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code fetch} in the page (same origin, with its cookies) and returns the status. */
    public long fetchStatus(String method, String path, String contentType, String body, String csrfToken) {
        Object status =
                ((JavascriptExecutor) driver).executeAsyncScript("""
                        const [method, path, type, body, token, done] = arguments;
                        const headers = {'Content-Type': type};
                        if (token) headers['X-CSRF-TOKEN'] = token;
                        fetch(path, {method, headers, body, redirect: 'manual', credentials: 'same-origin'})
                            .then(r => done(r.status), e => done(-1));
                        """, method, path, contentType, body, csrfToken);
        return ((Number) status).longValue();
    }

    /** Console messages since the last call (Chromium reports Content-Security-Policy violations there). */
    public List<String> console() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .map(e -> e.getLevel() + " " + e.getMessage())
                .toList();
    }

    /**
     * Runs {@code htmx.ajax} in the page as the page itself would (its CSRF header included) and
     * returns the response status once the swap is done.
     */
    public long htmx(String method, String path, String target, String select, java.util.Map<String, String> values) {
        Object status = ((JavascriptExecutor) driver).executeAsyncScript("""
                        const [method, path, target, select, values, done] = arguments;
                        let status = -1;
                        document.body.addEventListener('htmx:afterRequest', e => { status = e.detail.xhr.status; },
                                {once: true});
                        htmx.ajax(method, path, {target, select, swap: 'outerHTML', values})
                            .then(() => done(status), () => done(-2));
                        """, method, path, target, select, values);
        return ((Number) status).longValue();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // A temporary profile left behind is harmless.
            }
        }
    }
}
