package io.kafkasas.ops.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.HttpApi;
import io.kafkasas.schemas.Wire;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the supervisor says of a set of tasks, read through {@code GET /tasks} page by page: which ended as
 * expected (SUCCEEDED, with exactly one successful attempt counted), which did not, which it does not know, and how
 * many late results it recorded as stale.
 */
public record SupervisorVerdict(long succeededOnce, Set<String> notSucceeded, Set<String> countedTwice,
                                Set<String> unknown, long staleResults) {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    public boolean allSucceededOnce() {
        return notSucceeded.isEmpty() && countedTwice.isEmpty() && unknown.isEmpty();
    }

    public static SupervisorVerdict of(String supervisorUrl, String authorization, Collection<String> taskIds)
        throws IOException {
        Map<String, String> ends = new HashMap<>();
        taskIds.forEach(id -> ends.put(id, "SUCCEEDED"));
        return of(supervisorUrl, authorization, ends);
    }

    /**
     * As the other {@code of}, each task expected to end in the state {@code ends} gives it: "succeeded once" then
     * counts those that ended so, with one successful attempt if SUCCEEDED and none otherwise; "not succeeded" those
     * that ended otherwise.
     */
    public static SupervisorVerdict of(String supervisorUrl, String authorization, Map<String, String> ends)
        throws IOException {
        Set<String> expected = new HashSet<>(ends.keySet());
        Set<String> notSucceeded = new HashSet<>();
        Set<String> twice = new HashSet<>();
        Set<String> seen = new HashSet<>();
        long once = 0;
        long stale = 0;
        String after = "";
        do {
            JsonNode page = get(supervisorUrl + "/tasks?limit=1000&after=" + after, authorization);
            for (JsonNode task : page.get("tasks")) {
                String id = task.get("taskId").asText();
                if (!expected.contains(id)) {
                    continue;
                }
                seen.add(id);
                long outcomes = 0;
                for (JsonNode attempt : task.get("attempts")) {
                    outcomes += "SUCCEEDED".equals(attempt.get("outcome").asText()) ? 1 : 0;
                }
                stale += task.get("staleResults").asLong();
                String end = ends.get(id);
                if (!end.equals(task.get("state").asText())) {
                    notSucceeded.add(id);
                } else if (outcomes != ("SUCCEEDED".equals(end) ? 1 : 0)) {
                    twice.add(id);
                } else {
                    once++;
                }
            }
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        expected.removeAll(seen);
        return new SupervisorVerdict(once, notSucceeded, twice, expected, stale);
    }

    /**
     * {@code GET url} as JSON, with the {@code authorization} header (none if null); a non-200 answer is an error that
     * says what the supervisor answered.
     */
    public static JsonNode get(String url, String authorization) throws IOException {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
            if (authorization != null) {
                request.header(Wire.AUTHORIZATION, authorization);
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
            }
            return HttpApi.JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted: GET " + url, e);
        }
    }
}
