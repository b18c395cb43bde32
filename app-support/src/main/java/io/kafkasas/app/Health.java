package io.kafkasas.app;

/**
 * What an app says about itself at {@code GET /health}: ready means it does its work now; live false means it
 * cannot recover by itself and should be restarted (a Kubernetes liveness probe acts on it).
 */
public record Health(boolean ready, boolean live, String state) {

    public int httpStatus() {
        return ready && live ? 200 : 503;
    }
}
