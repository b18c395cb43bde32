package io.kafkasas.dashboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.schemas.Wire;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The scheduler's and the supervisor's HTTP APIs, as the dashboard calls them: with the caller's own credential
 * when a person asked (the app checks the role again and records who), with {@code ctl.token} for the overview's
 * own refreshes. An app that does not answer becomes a 502 that names it.
 */
public final class Upstream {

    /** Which app: its name and base URL. */
    public record App(String name, URI base) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private final HttpClient http;
    private final String ownAuthorization;
    private final App scheduler;
    private final App supervisor;

    public Upstream(CtlConfig config) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .sslContext(config.tls()).build();
        this.ownAuthorization = config.authorization();
        this.scheduler = new App("scheduler", config.schedulerUrl());
        this.supervisor = new App("supervisor", config.supervisorUrl());
    }

    public App scheduler() {
        return scheduler;
    }

    public App supervisor() {
        return supervisor;
    }

    /**
     * {@code method pathAndQuery} on {@code app} with {@code body} (JSON; empty for none) and {@code authorization}
     * (null: the dashboard's own); the answer as the app gave it.
     */
    public Response call(App app, String method, String pathAndQuery, byte[] body, String authorization) {
        // appended, not resolved: a path that begins with // must not name another host
        String base = app.base().toString().replaceAll("/+$", "");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(TIMEOUT)
            .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/json");
        String credential = authorization != null ? authorization : ownAuthorization;
        if (credential != null) {
            request.header(Wire.AUTHORIZATION, credential);
        }
        try {
            HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(answer.statusCode(), answer.headers().firstValue("Content-Type")
                .orElse("application/json"), answer.body());
        } catch (IOException e) {
            return Response.error(502, "The " + app.name() + " at " + app.base() + " did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.error(503, "Interrupted while asking the " + app.name());
        }
    }

    /** {@code GET path} on {@code app} with the dashboard's own credential, as JSON; {@link IOException} if not 200. */
    public JsonNode get(App app, String path) throws IOException {
        Response answer = call(app, "GET", path, new byte[0], null);
        JsonNode body = HttpApi.JSON.readTree(answer.body());
        if (answer.status() != 200) {
            throw new IOException(app.name() + " answered " + answer.status() + " to " + path + ": "
                + body.path("error").asText(""));
        }
        return body;
    }
}
