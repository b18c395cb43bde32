package io.kafkasas.ops.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.HttpApi;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.ops.local.LocalStack;
import io.kafkasas.schemas.config.ConfigSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser (headless Chromium through chromedriver) against the local stack as a user runs
 * it: sign in, the overview against the supervisor's counts, a task submitted from the page and watched to its end,
 * a dead letter replayed, an agent drained, a schedule paused, a pipeline's graph; each checked against the API,
 * and a screenshot of each page (to {@code dashboard.screenshots}, else {@code target/dashboard-screenshots}).
 * Without Chromium it skips, unless {@code SAS_REQUIRE_BROWSER=1} (as CI sets it, after installing Chromium).
 */
class DashboardIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> CHROMIUM = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome");
    private static final List<String> DRIVER = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    @TempDir
    static Path dir;

    private static LocalStack stack;
    private static LocalApps apps;
    private static String dashboard;
    private static ChromeDriver browser;
    private static Path screenshots;

    @BeforeAll
    static void start() throws IOException {
        String chromium = firstExisting(CHROMIUM);
        String driver = firstExisting(DRIVER);
        if (!"1".equals(System.getenv("SAS_REQUIRE_BROWSER"))) {
            Assumptions.assumeTrue(chromium != null && driver != null,
                "no Chromium and chromedriver here (apt-get install chromium chromium-driver)");
        }
        assertThat(chromium).as("Chromium, which SAS_REQUIRE_BROWSER=1 demands").isNotNull();
        assertThat(driver).as("chromedriver, which SAS_REQUIRE_BROWSER=1 demands").isNotNull();
        screenshots = Path.of(System.getProperty("dashboard.screenshots", "target/dashboard-screenshots"));
        Files.createDirectories(screenshots);
        stack = LocalStack.start(dir, LocalStack.ANY_FREE_PORT, 0);
        apps = LocalApps.start(dir, stack.settingsFile(), 1);
        dashboard = apps.startDashboard(dir, stack.settingsFile());
        ChromeOptions options = new ChromeOptions().setBinary(chromium)
            .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(Path.of(driver).toFile())
            .usingAnyFreePort().build(), options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (apps != null) {
            apps.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldShowTheSystemAndActOnItAsTheApiSaysFromEveryPage() throws Exception {
        try {
            signIn();
            overviewShouldAgreeWithTheSupervisor();
            String taskId = submitAndWatchATask();
            tasksShouldBeFoundByType(taskId);
            replayADeadLetter();
            pauseASchedule();
            drawAPipeline();
            drainAnAgent(); // the last that needs it to run tasks
            fitAPhoneScreen();
        } catch (Exception | AssertionError e) {
            screenshot("failed");
            throw new AssertionError("The page at " + browser.getCurrentUrl() + " said '" + text("#message")
                + "'; its screenshot: " + screenshots.resolve("failed.png").toAbsolutePath(), e);
        }
    }

    private void signIn() {
        browser.get(dashboard + "/");
        await().atMost(WAIT).until(() -> !browser.findElements(By.id("token")).isEmpty());
        browser.findElement(By.id("token")).sendKeys(operatorToken());
        browser.findElement(By.id("sign-in")).click();
        await().atMost(WAIT).until(() -> text("[data-test=me]").startsWith("operator"));
    }

    private void overviewShouldAgreeWithTheSupervisor() throws Exception {
        browser.get(dashboard + "/#/");
        await().atMost(WAIT).untilAsserted(() -> assertThat(text("#card-agents .value")).isEqualTo(
            Long.toString(supervisor("/summary").path("agents").path("ALIVE").asLong())).isEqualTo("1"));
        await().atMost(WAIT).until(() -> browser.findElement(By.id("live")).getAttribute("class").contains("on"));
        assertThat(browser.findElements(By.cssSelector("#chart .uplot"))).as("the live chart").hasSize(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(text("#card-hosts .value")).isEqualTo("1"));
    }

    /** Submits a 2 s sleep from the Tasks page and watches it run and succeed on its own page. */
    private String submitAndWatchATask() throws Exception {
        browser.get(dashboard + "/#/tasks");
        await().atMost(WAIT).until(() -> !browser.findElements(By.id("submit-type")).isEmpty());
        WebElement type = browser.findElement(By.id("submit-type"));
        type.clear();
        type.sendKeys("sleep");
        browser.findElement(By.id("submit-payload")).sendKeys("{\"ms\": 2000}");
        browser.findElement(By.id("submit-task")).click();
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("#/tasks/"));
        String taskId = text("#task-id");
        await().atMost(WAIT).until(() -> "RUNNING".equals(fact("state")));
        screenshot("task-running");
        await().atMost(WAIT).until(() -> "SUCCEEDED".equals(fact("state")));
        JsonNode task = supervisor("/tasks/" + taskId);
        assertThat(task.path("state").asText()).isEqualTo("SUCCEEDED");
        await().atMost(WAIT).untilAsserted(() -> assertThat(text("[data-test=attempts] tbody tr td:nth-child(2)"))
            .isEqualTo(task.path("attempts").get(0).path("agentId").asText()));
        assertThat(fact("submitted by")).isEqualTo(task.path("submittedBy").asText()).isEqualTo("operator");
        screenshot("task");
        return taskId;
    }

    private void tasksShouldBeFoundByType(String taskId) {
        browser.get(dashboard + "/#/tasks?type=sleep");
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("tr[data-task='" + taskId + "']"))
            .isEmpty());
        screenshot("tasks");
    }

    /** A task that fails its only attempt is dead-lettered; replayed from the page, it runs again as a new task. */
    private void replayADeadLetter() throws Exception {
        JsonNode submitted = HttpApi.JSON.readTree(call("POST", apps.schedulerUrl() + "/tasks",
            "{\"type\":\"sleep\",\"payload\":{\"ms\":10,\"fail\":\"broken on purpose\"},"
                + "\"retryPolicy\":{\"maxAttempts\":1}}").body());
        String failing = submitted.path("taskId").asText();
        await().atMost(WAIT).until(() -> "DEAD_LETTERED".equals(supervisorState(failing)));
        browser.get(dashboard + "/#/dead-letters?task=" + failing);
        By row = By.cssSelector("tr[data-letter]");
        // the letter reaches the dashboard's watch of the topic a moment after the supervisor wrote it
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.navigate().refresh();
            return !browser.findElements(row).isEmpty();
        });
        screenshot("dead-letters");
        browser.findElement(By.cssSelector("button[data-replay]")).click();
        await().atMost(WAIT).until(() -> text("#message").startsWith("Replayed "));
        String replayed = text("#message").replaceAll(".* as task ", "").strip();
        // the same (failing) work, as a new task the supervisor knows, carrying where it came from
        await().atMost(WAIT).until(() -> "DEAD_LETTERED".equals(supervisorState(replayed)));
        assertThat(supervisor("/tasks/" + replayed).path("type").asText()).isEqualTo("sleep");
    }

    private void drainAnAgent() throws Exception {
        browser.get(dashboard + "/#/agents");
        By drain = By.cssSelector("tr[data-agent='local-1'] button[data-command=drain]");
        await().atMost(WAIT).until(() -> !browser.findElements(drain).isEmpty());
        screenshot("agents");
        browser.findElement(drain).click();
        await().atMost(WAIT).until(() -> "DRAINING".equals(agent("local-1").path("activity").asText()));
        await().atMost(WAIT).until(() -> text("tr[data-agent='local-1'] td:nth-child(3)").equals("DRAINING"));
    }

    private void pauseASchedule() throws Exception {
        assertThat(call("PUT", apps.schedulerUrl() + "/schedules/ui-hourly",
            "{\"spec\":\"0 * * * *\",\"task\":{\"type\":\"noop\"}}").statusCode()).isIn(200, 201);
        browser.get(dashboard + "/#/schedules");
        By pause = By.cssSelector("tr[data-schedule='ui-hourly'] button[data-command=pause]");
        await().atMost(WAIT).until(() -> !browser.findElements(pause).isEmpty());
        browser.findElement(pause).click();
        await().atMost(WAIT).until(() -> HttpApi.JSON.readTree(call("GET", apps.schedulerUrl()
            + "/schedules/ui-hourly", null).body()).path("paused").asBoolean());
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(
            "tr[data-schedule='ui-hourly'] button[data-command=resume]")).isEmpty());
        screenshot("schedules");
    }

    private void drawAPipeline() throws Exception {
        String pipeline = "{\"pipelineId\":\"ui-release\",\"name\":\"release\",\"steps\":["
            + "{\"name\":\"build\",\"task\":{\"type\":\"noop\"}},"
            + "{\"name\":\"test\",\"dependsOn\":[\"build\"],\"task\":{\"type\":\"noop\"}},"
            + "{\"name\":\"lint\",\"dependsOn\":[\"build\"],\"task\":{\"type\":\"noop\"}},"
            + "{\"name\":\"deploy\",\"dependsOn\":[\"test\",\"lint\"],\"task\":{\"type\":\"noop\"}}]}";
        assertThat(call("POST", apps.schedulerUrl() + "/pipelines", pipeline).statusCode()).isEqualTo(202);
        browser.get(dashboard + "/#/pipelines");
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("tr[data-pipeline='ui-release']"))
            .isEmpty());
        browser.findElement(By.cssSelector("tr[data-pipeline='ui-release'] a")).click();
        await().atMost(WAIT).until(() -> "SUCCEEDED".equals(attribute("#dag g[data-step=deploy]", "data-state")));
        JsonNode view = HttpApi.JSON.readTree(call("GET", apps.schedulerUrl() + "/pipelines/ui-release", null).body());
        for (JsonNode step : view.path("steps")) {
            assertThat(attribute("#dag g[data-step=" + step.path("name").asText() + "]", "data-state"))
                .isEqualTo(step.path("state").asText());
        }
        assertThat(browser.findElements(By.cssSelector("#dag path"))).as("one arrow per dependency (and the"
            + " arrowhead)").hasSize(5);
        screenshot("pipeline");
    }

    /** On a phone's width, the pages fit: tables scroll inside their panels, the page itself does not. */
    private void fitAPhoneScreen() {
        // the overview again, now that the chart shows this test's tasks
        browser.get(dashboard + "/#/");
        await().atMost(WAIT).until(() -> !text("#card-agents .value").equals("…"));
        screenshot("overview");
        browser.manage().window().setSize(new Dimension(390, 844));
        for (String page : List.of("#/", "#/tasks", "#/agents", "#/dead-letters")) {
            browser.get(dashboard + "/" + page);
            await().atMost(WAIT).until(() -> browser.findElements(By.cssSelector("#view h1")).size() == 1);
            long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - window.innerWidth;");
            assertThat(overflow).as("horizontal overflow of %s on a phone", page).isLessThanOrEqualTo(0);
        }
        browser.get(dashboard + "/#/");
        await().atMost(WAIT).until(() -> !text("#card-agents .value").equals("…"));
        screenshot("overview-phone");
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    /** The text of the first element {@code css} selects, or "" while none is there. */
    private static String text(String css) {
        String text = first(css, WebElement::getText);
        return text == null ? "" : text.strip();
    }

    private static String attribute(String css, String name) {
        return first(css, element -> element.getAttribute(name));
    }

    /** {@code read} of the first element {@code css} selects, or null while none is there. */
    private static String first(String css, Function<WebElement, String> read) {
        try {
            List<WebElement> found = browser.findElements(By.cssSelector(css));
            return found.isEmpty() ? null : read.apply(found.get(0));
        } catch (StaleElementReferenceException e) {
            return null; // the page redrew it between the find and the read (a task's page does every second)
        }
    }

    private static String fact(String name) {
        return text("dd[data-fact='" + name + "']");
    }

    private static void screenshot(String name) {
        try {
            Files.write(screenshots.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write a screenshot to " + screenshots, e);
        }
    }

    private static String operatorToken() {
        return ConfigSource.load(stack.settingsFile(), Map.of()).get(CtlConfig.TOKEN);
    }

    private static String supervisorState(String taskId) throws IOException, InterruptedException {
        HttpResponse<String> answer = call("GET", apps.supervisorUrl() + "/tasks/" + taskId, null);
        return answer.statusCode() == 200 ? HttpApi.JSON.readTree(answer.body()).path("state").asText() : null;
    }

    private static JsonNode supervisor(String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = call("GET", apps.supervisorUrl() + path, null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return HttpApi.JSON.readTree(answer.body());
    }

    private static JsonNode agent(String agentId) throws IOException, InterruptedException {
        for (JsonNode agent : supervisor("/agents").path("agents")) {
            if (agentId.equals(agent.path("agentId").asText())) {
                return agent;
            }
        }
        return HttpApi.JSON.createObjectNode();
    }

    private static HttpResponse<String> call(String method, String url, String body)
        throws IOException, InterruptedException {
        return apps.http().send(apps.authorized(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static String firstExisting(List<String> paths) {
        return paths.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
    }
}
