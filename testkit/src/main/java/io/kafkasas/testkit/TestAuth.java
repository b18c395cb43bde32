package io.kafkasas.testkit;

import io.kafkasas.app.HttpAuth;
import io.kafkasas.app.Role;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.config.ConfigSource;
import java.net.http.HttpRequest;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

/** The HTTP credential of the apps a test starts: one token with every role, which the apps also send each other. */
public final class TestAuth {

    public static final String TOKEN = HttpAuth.newToken();
    public static final String AUTHORIZATION = Wire.bearer(TOKEN);

    private TestAuth() {
    }

    /** The settings under which an app accepts {@link #TOKEN} and sends it to its other instances. */
    public static Map<String, String> settings() {
        return Map.of(HttpAuth.TOKENS, HttpAuth.entry("test", EnumSet.allOf(Role.class), TOKEN),
            HttpAuth.CLIENT_TOKEN, TOKEN);
    }

    /** The same as {@code SAS_*} environment variables, for apps started as processes. */
    public static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        settings().forEach((key, value) -> env.put(ConfigSource.envNameOf(key), value));
        return env;
    }

    /** {@code request} with {@link #AUTHORIZATION}. */
    public static HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return request.header(Wire.AUTHORIZATION, AUTHORIZATION);
    }
}
