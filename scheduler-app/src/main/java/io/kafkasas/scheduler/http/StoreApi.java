package io.kafkasas.scheduler.http;

import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.Role;
import io.kafkasas.app.streams.InstanceQueries;
import io.kafkasas.client.TaskClient;
import io.kafkasas.schemas.requests.RequestValidator;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the scheduler's APIs over its stores (schedules, pipelines, limits) work with: changes are written with the
 * client, reads come from the stores of this instance or of the one that holds the key.
 */
public abstract class StoreApi {

    /** The parts every such API is given. */
    public record Parts(TaskClient client, RequestValidator validator, KafkaStreams streams, InstanceQueries instances,
                        Clock clock) {
    }

    protected final TaskClient client;
    protected final RequestValidator validator;
    protected final KafkaStreams streams;
    protected final InstanceQueries instances;
    protected final Clock clock;

    /** {@code path}'s route, once the scheduler is ready: reads need the read role, changes the operate role. */
    protected static Map<String, Route> readOrOperate(String path, Route handler) {
        return Map.of(path, new HttpApi.Guarded(
            exchange -> "GET".equals(exchange.getRequestMethod()) ? Role.READ : Role.OPERATE,
            InstanceQueries.whenReady("scheduler", handler)));
    }

    protected StoreApi(Parts parts) {
        this.client = parts.client();
        this.validator = parts.validator();
        this.streams = parts.streams();
        this.instances = parts.instances();
        this.clock = parts.clock();
    }
}
