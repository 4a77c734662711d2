package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordIds;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.ToolCall;
import io.tracebridge.web.WebConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer in real headless Chromium (Debian's {@code /usr/bin/chromium} through {@code
 * /usr/bin/chromedriver}, installed by {@code .ci/interop-browser.sh}): it opens a session's page,
 * a demo run starts on the embedded stack's agent runtime, and the tool call and the answer appear
 * without a reload. Saves {@code docs/viewer.png}, which the README shows. Runs with -Pinterop.
 */
class ViewerInteropIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private EmbeddedStack stack;
  private ChromeDriver browser;
  private Path profile;

  @BeforeEach
  void start() throws Exception {
    stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral());
    profile = Files.createTempDirectory("tracebridge-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
        "--window-size=1280,1100");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
        .usingAnyFreePort()
        .build();
    browser = new ChromeDriver(service, options);
    browser.manage().window().setSize(new Dimension(1280, 1100));
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theViewerShowsAToolCallAndTheAnswerLiveWithoutReloading() throws Exception {
    String session = "viewer-" + UUID.randomUUID();
    browser.get(stack.webBaseUrl() + "/sessions/" + session);
    // A step's element is replaced when a fuller version of its record arrives (the span after the
    // live log record), so every check locates the element afresh.
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "Waiting for the first step"));
    ((JavascriptExecutor) browser).executeScript("window.__notReloaded = true;");

    HttpResponse<String> invoked = invoke(session);
    assertThat(invoked.statusCode()).as(invoked.body()).isEqualTo(200);

    By tool = By.cssSelector("li.step[data-type='tool_request']");
    By answer = By.cssSelector("li.step[data-type='response']");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(tool, "calculate"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(answer, "142"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "finished"));
    String toolText = wait.until(d -> d.findElement(tool).getText());
    String answerText = wait.until(d -> d.findElement(answer).getText());
    assertThat(toolText).contains("Used a tool").contains("calculate");
    assertThat(answerText).contains("Answer").contains("142");
    assertThat(browser.findElements(By.cssSelector("li.step[data-type='tool_response'] pre.output"))).isNotEmpty();
    assertThat(browser.findElement(By.id("summary")).getText()).containsPattern("\\d+ tokens in");
    assertThat(((JavascriptExecutor) browser).executeScript("return window.__notReloaded === true;"))
        .isEqualTo(true);

    long height = (Long) ((JavascriptExecutor) browser).executeScript("return document.body.scrollHeight;");
    browser.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 40, 4000)));
    Path shot = Path.of("..", "docs", "viewer.png").toAbsolutePath().normalize();
    Files.createDirectories(shot.getParent());
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(shot)).isGreaterThan(10_000);
  }

  /** Issue 12, item 11: before the wrap rules the page was 1,139,115 px wide. */
  @Test
  void aHundredThousandCharacterWordWrapsInsteadOfWideningThePage() throws Exception {
    String session = "wide-" + UUID.randomUUID();
    String traceId = UUID.randomUUID().toString().replace("-", "");
    String word = "x".repeat(100_000);
    FunctionalRecord record = FunctionalRecord.builder()
        .tenant(WebConfig.DEFAULT_TENANT).traceId(traceId).spanId("00f067aa0ba902b7")
        .recordId(RecordIds.of(traceId, "00f067aa0ba902b7", "wide"))
        .type(RecordType.TOOL_RESPONSE).timestamp(Instant.now()).dialect(Dialect.GENAI_SEMCONV)
        .sessionId(session).text(word).tool(ToolCall.named("echo", "call-1", word, word, "success"))
        .build();
    stack.store().accept(List.of(record)).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

    browser.get(stack.webBaseUrl() + "/sessions/" + session);
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("li.step[data-type='tool_response'] pre.output")));
    JavascriptExecutor js = (JavascriptExecutor) browser;
    long pageWidth = (Long) js.executeScript("return document.documentElement.scrollWidth;");
    long viewport = (Long) js.executeScript("return document.documentElement.clientWidth;");
    long textWidth = (Long) js.executeScript(
        "return document.querySelector(\"li.step[data-type='tool_response'] p.text\").scrollWidth;");
    assertThat(pageWidth).as("page width").isLessThanOrEqualTo(viewport);
    assertThat(textWidth).as("the word's paragraph").isLessThanOrEqualTo(viewport);
  }

  private HttpResponse<String> invoke(String session) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode input = json.createObjectNode();
    input.put("prompt", DemoClient.PROMPT);
    input.put("session_id", session);
    input.put("agent_id", "demo-agent");
    input.putObject("session_attributes").put("bonus", DemoClient.BONUS);
    ObjectNode payload = json.createObjectNode();
    payload.set("input", input);
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(stack.runtimeBaseUrl() + "/invocations"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(payload.toString()))
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
