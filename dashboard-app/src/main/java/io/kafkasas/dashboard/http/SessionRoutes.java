package io.kafkasas.dashboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.kafkasas.app.AppEndpoints;
import io.kafkasas.app.ClientRateLimit;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.HttpAuth;
import io.kafkasas.app.HttpSettings;
import io.kafkasas.app.Role;
import io.kafkasas.schemas.Wire;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Signing in with a bearer token: {@code POST /login} checks it and keeps it in an HttpOnly, SameSite=Strict session
 * cookie, so that pages (and their event stream, which cannot send headers) carry it; {@code POST /logout} drops
 * it; {@code GET /api/me} says who is signed in and with which roles, for the pages to offer only what the caller
 * may do.
 */
public final class SessionRoutes {

    /** What a cookie value may hold; a token with other characters is sent as a header instead. */
    private static final Pattern COOKIE_SAFE = Pattern.compile("[A-Za-z0-9._~+/=-]{1,512}");
    /** Sign-in attempts a client may make per second (in bursts of twice that): guessing is slow, people are not. */
    private static final int ATTEMPTS_PER_SECOND = 2;
    private final HttpSettings settings;
    private final ClientRateLimit attempts = new ClientRateLimit(ATTEMPTS_PER_SECOND);

    public SessionRoutes(HttpSettings settings) {
        this.settings = settings;
    }

    /** The routes anyone may call. */
    public Map<String, Route> open() {
        return Map.of("/login", this::login, "/logout", this::logout);
    }

    public Map<String, Route> guarded() {
        return Map.of("/api/me", AppEndpoints.readOnly(exchange -> {
            HttpAuth.Caller caller = HttpApi.caller(exchange);
            return Response.json(200, Map.of("name", caller.name(), "roles", caller.roles().stream()
                .map(Role::word).sorted().toList(), "authentication", settings.auth().required()));
        }));
    }

    private Response login(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return Response.error(405, "POST {\"token\": \"...\"} to sign in");
        }
        if (!attempts.allow(exchange.getRemoteAddress().getAddress(), System.nanoTime())) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            return Response.error(429, "Too many sign-in attempts; try again in a second");
        }
        JsonNode body;
        try {
            body = HttpApi.JSON.readTree(exchange.getRequestBody().readNBytes(4096));
        } catch (IOException e) {
            return Response.error(400, "The body is not JSON: " + e.getMessage());
        }
        String token = body == null ? "" : body.path("token").asText("").strip();
        if (!COOKIE_SAFE.matcher(token).matches()) {
            return Response.error(400, "Give the bearer token as {\"token\": \"...\"}");
        }
        HttpAuth.Verdict verdict = settings.auth().check(Wire.bearer(token), Role.READ, "sign in to the dashboard");
        if (!verdict.allowed()) {
            return Response.error(verdict.status(), verdict.reason());
        }
        exchange.getResponseHeaders().add("Set-Cookie", cookie(token, -1));
        return Response.json(200, Map.of("name", verdict.caller().name(), "roles", verdict.caller().roles().stream()
            .map(Role::word).sorted().toList()));
    }

    private Response logout(HttpExchange exchange) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return Response.error(405, "POST to sign out");
        }
        exchange.getResponseHeaders().add("Set-Cookie", cookie("", 0));
        return Response.json(200, Map.of("signedOut", true));
    }

    /** The session cookie: a browser session's (no Max-Age) unless {@code maxAge} is 0 (removed). */
    private String cookie(String value, int maxAge) {
        return Wire.SESSION_COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict"
            + (settings.tls() != null ? "; Secure" : "") + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
    }
}
