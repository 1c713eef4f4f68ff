package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.cityledger.broker.EmbeddedKafkaBroker;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.producers.DemoDataSet;
import org.cityledger.schema.Topics;
import org.cityledger.streams.access.OfficeRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in a real headless Chromium, against a real node with the conference data: the
 * figures on the page are the API's, a published event shows without a reload, the as-of slider
 * goes back before the groundbreakings, the language toggle switches every label, a district's
 * events open on a click, the page reconnects to a restarted instance, and the browser logs no
 * error. Skips without Chromium and chromedriver, unless {@code -Dledger.browser.required=true}
 * (CI), where their absence fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIf(value = "browserPresentOrRequired", disabledReason = "no Chromium and chromedriver (-Dledger.chromium, "
        + "-Dledger.chromedriver; default /usr/bin/chromium, /usr/bin/chromedriver): apt-get install -y chromium chromium-driver; "
        + "-Dledger.browser.required=true makes their absence a failure")
class DashboardBrowserIT {

    private static final String REQUIRED = "ledger.browser.required";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final Pattern HAN = Pattern.compile("\\p{IsHan}");

    private EmbeddedKafkaBroker broker;
    private LedgerNode node;
    private ChromeDriver browser;
    private String base;
    private String wujiangToken;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception {
        final File chromium = chromium();
        final File driver = chromedriver();
        assertThat(chromium.canExecute() && driver.canExecute())
                .as("Chromium (%s) and chromedriver (%s) are needed for the dashboard's browser tests, and %s=true: "
                        + "apt-get install -y chromium chromium-driver", chromium, driver, REQUIRED).isTrue();
        broker = EmbeddedKafkaBroker.builder().build().start();
        TopicSetup.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
        // the Wujiang office may publish over HTTP, as the feed test does
        final Path offices = dir.resolve("offices.txt");
        wujiangToken = OfficeRegistry.add(offices, "wujiang", Clock.systemUTC()).token();
        node = new LedgerNode(LedgerConfig.defaults(broker.bootstrapServers(), dir.resolve("state")).withHttpPort(0)
                .withAccess(new LedgerConfig.Access(offices, null, null))).start();
        assertThat(node.awaitRunning(Duration.ofSeconds(90))).isTrue();
        base = "http://localhost:" + node.httpPort();
        final List<LedgerEvent> demo = DemoDataSet.events();
        TopicWriter.publish(broker.bootstrapServers(), demo);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> api("/api/totals/summary").path("events").asLong() == demo.size());

        final ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")),
                "--window-size=1600,1500", "--lang=zh-CN");
        final LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort().build(), options);
        browser.manage().window().setSize(new Dimension(1600, 1500));
    }

    /** Run when the browser is there, or when it must be (then its absence fails the test). */
    static boolean browserPresentOrRequired() {
        return Boolean.getBoolean(REQUIRED) || (chromium().canExecute() && chromedriver().canExecute());
    }

    private static File chromium() {
        return new File(System.getProperty("ledger.chromium", "/usr/bin/chromium"));
    }

    private static File chromedriver() {
        return new File(System.getProperty("ledger.chromedriver", "/usr/bin/chromedriver"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (node != null) {
            node.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void open() {
        browser.get(base + "/");
        browser.executeScript("localStorage.removeItem('ledger.lang')");
        browser.navigate().refresh();
        await().atMost(WITHIN).until(() -> "live".equals(state()));
    }

    @Test
    @Order(1)
    void shouldShowTheApisHeadlineFiguresWithoutAConsoleError() throws Exception {
        final JsonNode summary = api("/api/totals/summary");

        await().atMost(WITHIN).until(() -> exact("signing.amount").equals(summary.path("signing").path("amounts").path("CNY").asText()));
        assertThat(text("signing.count")).isEqualTo(summary.path("signing").path("count").asText());
        assertThat(exact("signing.usd")).isEqualTo(summary.path("signing").path("amounts").path("USD").asText());
        assertThat(text("groundbreaking.count")).isEqualTo(summary.path("groundbreaking").path("count").asText());
        assertThat(exact("groundbreaking.amount")).isEqualTo(summary.path("groundbreaking").path("amounts").path("CNY").asText());
        assertThat(exact("groundbreaking.planned")).isEqualTo(summary.path("groundbreaking").path("plannedWithinYear").path("CNY").asText());
        assertThat(text("funding.count")).isEqualTo(summary.path("funding").path("count").asText());
        assertThat(exact("funding.amount")).isEqualTo(summary.path("funding").path("amounts").path("CNY").asText());
        assertThat(exact("funding.matching")).isEqualTo(summary.path("funding").path("matching").path("CNY").asText());
        // the report's unit, and the exact amount on hover
        assertThat(text("signing.amount")).isEqualTo("720.00 亿元");
        assertThat(browser.findElement(By.cssSelector("[data-figure='signing.amount']")).getAttribute("title"))
                .isEqualTo("CNY 72,000,000,000.00");
        assertThat(text("signing.usd")).isEqualTo("18.00 亿美元");

        final Path shot = Path.of("target", "dashboard.png");
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isPositive();
        assertThat(errors()).isEmpty();
    }

    @Test
    @Order(2)
    void shouldSwitchEveryLabelToEnglishAndRememberIt() {
        browser.findElement(By.id("lang")).click();

        await().atMost(WITHIN).until(() -> browser.findElement(By.tagName("h1")).getText()
                .equals("Suzhou electronic-information investment ledger"));
        assertThat(browser.findElements(By.cssSelector("[data-i18n], .tile, #heat th, #sectors-list, .state")))
                .allSatisfy(e -> assertThat(HAN.matcher(e.getText()).find()).as(e.getText()).isFalse());
        assertThat(text("signing.amount")).isEqualTo("CNY 72.00 bn");
        browser.navigate().refresh();
        await().atMost(WITHIN).until(() -> browser.findElement(By.tagName("h1")).getText()
                .equals("Suzhou electronic-information investment ledger"));
        assertThat(errors()).isEmpty();
    }

    @Test
    @Order(3)
    void shouldShowAPublishedEventInTheFeedAndMoveTheFiguresWithoutAReload() throws Exception {
        final long before = Long.parseLong(text("signing.count"));
        final String event = "{\"eventId\":\"browser-live-1\",\"type\":\"SIGNING\",\"occurredAt\":\"2022-02-10T11:00:00+08:00\","
                + "\"district\":\"wujiang\",\"sector\":\"software\",\"project\":{\"id\":\"P-browser-live-1\","
                + "\"name\":\"Industrial software park\",\"company\":\"Wujiang Software Co.\",\"category\":\"strategic-emerging\"},"
                + "\"amount\":{\"value\":\"123456789.00\",\"currency\":\"CNY\"}}";

        // through the offices' API, as a district office would, waiting for the ledger's verdict
        final HttpResponse<String> published = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events?wait=PT10S"))
                .header("Authorization", "Bearer " + wujiangToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
        assertThat(JSON.readTree(published.body()).path("events").path(0).path("verdict").asText()).isEqualTo("counted");

        await().atMost(WITHIN).until(() -> !browser.findElements(By.cssSelector("#feed li[data-event-id='browser-live-1']")).isEmpty());
        await().atMost(WITHIN).until(() -> text("signing.count").equals(Long.toString(before + 1)));
        assertThat(exact("signing.amount")).isEqualTo(api("/api/totals/summary").path("signing").path("amounts").path("CNY").asText());
        assertThat(browser.findElement(By.cssSelector("#feed li[data-event-id='browser-live-1']")).getText()).contains("1.23 亿元");
        assertThat(errors()).isEmpty();
    }

    @Test
    @Order(4)
    void shouldShowTheGroundbreakingsAtZeroBeforeTheyHappenedAndReturnToLive() {
        final WebElement slider = browser.findElement(By.id("asof-slider"));

        slider.sendKeys(Keys.HOME);

        await().atMost(WITHIN).until(() -> "past".equals(state()) && "0".equals(text("groundbreaking.count")));
        assertThat(exact("groundbreaking.amount")).isEqualTo("0.00");
        assertThat(browser.findElement(By.id("asof-value")).getAttribute("data-asof"))
                .isLessThan(DemoDataSet.CONFERENCE.toString());
        browser.findElement(By.id("asof-live")).click();
        await().atMost(WITHIN).until(() -> "live".equals(state()) && !"0".equals(text("groundbreaking.count")));
        assertThat(errors()).isEmpty();
    }

    @Test
    @Order(5)
    void shouldListADistrictsEventsWhenItIsClicked() throws Exception {
        final int expected = api("/api/events?district=kunshan&type=SIGNING&limit=100").path("events").size();

        browser.findElement(By.cssSelector(".tile[data-district='kunshan']")).click();

        await().atMost(WITHIN).until(() -> browser.findElement(By.id("events-dialog")).isDisplayed());
        assertThat(expected).isPositive();
        assertThat(browser.findElements(By.cssSelector("#events-table tbody tr[data-event-id]"))).hasSize(expected);
        browser.findElement(By.id("events-dialog")).sendKeys(Keys.ESCAPE);
        await().atMost(WITHIN).until(() -> !browser.findElement(By.id("events-dialog")).isDisplayed());
        assertThat(errors()).isEmpty();
    }

    @Test
    @Order(6)
    void shouldReconnectAfterTheInstanceItTalksToRestarts() throws Exception {
        final LedgerConfig config = node.config();

        node.close();
        await().atMost(WITHIN).until(() -> "offline".equals(state()));
        node = new LedgerNode(config).start();
        assertThat(node.awaitRunning(Duration.ofSeconds(90))).isTrue();

        await().atMost(Duration.ofSeconds(60)).until(() -> "live".equals(state()));
        final LedgerEvent event = TestEvents.signing("browser-after-restart", "changshu", "components", "2.00", "CNY");
        TopicWriter.publish(broker.bootstrapServers(), List.of(event));
        await().atMost(WITHIN).until(() ->
                !browser.findElements(By.cssSelector("#feed li[data-event-id='browser-after-restart']")).isEmpty());
        assertThat(exact("signing.amount")).isEqualTo(api("/api/totals/summary").path("signing").path("amounts").path("CNY").asText());
    }

    private String state() {
        final List<WebElement> found = browser.findElements(By.id("status-state"));
        return found.isEmpty() ? null : found.get(0).getAttribute("data-state");
    }

    private String text(final String figure) {
        return browser.findElement(By.cssSelector("[data-figure='" + figure + "']")).getText();
    }

    private String exact(final String figure) {
        final String value = browser.findElement(By.cssSelector("[data-figure='" + figure + "']")).getAttribute("data-exact");
        return value == null ? "" : value;
    }

    /** The browser's console errors since the last call. */
    private List<String> errors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    private JsonNode api(final String path) throws Exception {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
