package io.kafkasas.dashboard.http;

import com.sun.net.httpserver.HttpExchange;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpApi.Route;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The pages, their script and style from the jar's {@code web/}, and libraries from WebJars ({@code /webjars/...}
 * from {@code META-INF/resources/webjars/}): nothing is fetched from the network when a page loads. They hold no
 * data, so anyone may fetch them; the data comes from {@code /api/}, which needs a role.
 */
public final class StaticFiles implements Route {

    /** A path of plain names: nothing that climbs out of the served folders. */
    private static final Pattern SAFE = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
        "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
        "png", "image/png", "map", "application/json");
    /** Scripts and styles from this server only; no inline script; no framing by other sites. */
    private static final String POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self';"
        + " frame-ancestors 'none'";

    @Override
    public Response handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!"GET".equals(exchange.getRequestMethod())) {
            return Response.error(405, "Only GET on " + path);
        }
        if ("/".equals(path)) {
            path = "/index.html";
        }
        if (!SAFE.matcher(path).matches()) {
            return Response.error(404, "No such file: " + path);
        }
        String resource = path.startsWith("/webjars/") ? "META-INF/resources" + path : "web" + path;
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return Response.error(404, "No such file: " + path);
            }
            String extension = path.substring(path.lastIndexOf('.') + 1);
            exchange.getResponseHeaders().set("Content-Security-Policy", POLICY);
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Cache-Control", path.startsWith("/webjars/")
                ? "public, max-age=86400" : "no-cache");
            return new Response(200, TYPES.getOrDefault(extension, "application/octet-stream"), in.readAllBytes());
        }
    }
}
