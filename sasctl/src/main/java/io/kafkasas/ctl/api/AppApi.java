package io.kafkasas.ctl.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.CtlException;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.config.ConfigSource;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The scheduler's or the supervisor's HTTP API, with failures turned into messages that say what to do. */
public final class AppApi {

    /** One answer: its status code and JSON body (missing when the body was not JSON). */
    public record Answer(int status, JsonNode body) {

        /** The API's {@code error} field, or the status code. */
        public String error() {
            return body.path("error").asText("HTTP " + status);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration UNAVAILABLE_FOR = Duration.ofSeconds(10);
    private final HttpClient http;
    private final URI base;
    private final String app;
    private final String setting;
    private final String authorization;

    private AppApi(URI base, String app, String setting, CtlConfig config) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .sslContext(config.tls()).build();
        this.base = base;
        this.app = app;
        this.setting = setting;
        this.authorization = config.authorization();
    }

    public static AppApi scheduler(CtlConfig config) {
        return new AppApi(config.schedulerUrl(), "scheduler", CtlConfig.SCHEDULER_URL, config);
    }

    public static AppApi supervisor(CtlConfig config) {
        return new AppApi(config.supervisorUrl(), "supervisor", CtlConfig.SUPERVISOR_URL, config);
    }

    public Answer get(String path) {
        return send(request(path).GET().build());
    }

    public Answer post(String path, Object body) {
        return send("POST", path, body);
    }

    /** {@code method path} with {@code body} as JSON (none if null). */
    public Answer send(String method, String path, Object body) {
        try {
            return send(request(path).header("Content-Type", "application/json").method(method, body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write the request as JSON", e);
        }
    }

    /**
     * The body of a 200 answer; otherwise a {@link CtlException}: 404 not found, 503 unavailable. A 503 (a store
     * moving between instances or threads, for a second or so) is asked again for up to {@link #UNAVAILABLE_FOR}.
     */
    public JsonNode getOk(String path) {
        Answer answer = get(path);
        long giveUp = System.nanoTime() + UNAVAILABLE_FOR.toNanos();
        while (answer.status() == 503 && System.nanoTime() < giveUp) {
            try {
                TimeUnit.MILLISECONDS.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            answer = get(path);
        }
        return switch (answer.status()) {
            case 200 -> answer.body();
            case 404 -> throw new CtlException(ExitCodes.NOT_FOUND, answer.error());
            case 503 -> throw new CtlException(ExitCodes.UNAVAILABLE, "The " + app + " is not ready: "
                + answer.error());
            default -> throw unexpected(answer, path);
        };
    }

    /** Every item of a paged list ({@code path?limit=&after=}, items in {@code field}, the next page's key in next). */
    public List<JsonNode> getAll(String path, String field) {
        List<JsonNode> all = new ArrayList<>();
        String after = "";
        do {
            JsonNode page = getOk(path + "?limit=1000&after=" + encode(after));
            page.path(field).forEach(all::add);
            after = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (after != null);
        return all;
    }

    public CtlException unexpected(Answer answer, String path) {
        return new CtlException(ExitCodes.SOFTWARE, "The " + app + " at " + base + " answered " + answer.status()
            + " to " + path + ": " + answer.error());
    }

    public static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "") + path))
            .timeout(TIMEOUT);
        if (authorization != null) {
            request.header(Wire.AUTHORIZATION, authorization);
        }
        return request;
    }

    /** The answer; 401 and 403 end the command, saying what the app refused and how to give sasctl a token. */
    private Answer send(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            Answer answer = new Answer(response.statusCode(), parse(response.body()));
            if (answer.status() == 401 || answer.status() == 403) {
                throw new CtlException(ExitCodes.NOT_ALLOWED, "The " + app + " at " + base + " refused: "
                    + answer.error() + (answer.status() == 401 ? ". Give sasctl a token with " + CtlConfig.TOKEN_FILE
                    + " or " + ConfigSource.envNameOf(CtlConfig.TOKEN) : ""));
            }
            return answer;
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (ConnectException e) {
            throw unreachable("connection refused");
        } catch (IOException e) {
            throw unreachable(String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CtlException(ExitCodes.UNAVAILABLE, "Interrupted while asking the " + app);
        }
    }

    private CtlException unreachable(String why) {
        return new CtlException(ExitCodes.UNAVAILABLE, "Cannot reach the " + app + " at " + base + " (" + why
            + "). Is it running? Point sasctl at it with --" + app + " URL, or set " + setting + " ("
            + ConfigSource.envNameOf(setting) + ").");
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? MissingNode.getInstance() : JSON.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }
}
