package io.kafkasas.app.streams;

import io.kafkasas.app.AppMetrics;
import io.kafkasas.app.HttpSettings;
import io.kafkasas.schemas.config.SasConfig;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the Kafka Streams apps (scheduler, supervisor) share about their settings and Streams instances. */
public final class StreamsApps {

    /** Settings under this prefix go to Kafka Streams untouched, over {@code kafka.*}. */
    public static final String STREAMS_PREFIX = "streams.";

    private static final Logger LOG = LoggerFactory.getLogger(StreamsApps.class);

    private StreamsApps() {
    }

    /**
     * Kafka Streams properties: {@code kafka.*}, then {@code streams.*}, then the application id, exactly-once, and
     * static membership ({@link StreamsLifecycle#staticMembership}).
     */
    public static Map<String, Object> properties(SasConfig config, String applicationId, HttpSettings http) {
        Map<String, Object> props = new TreeMap<>(config.kafkaProperties());
        props.putAll(config.originalsWithPrefix(STREAMS_PREFIX));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        StreamsLifecycle.staticMembership(props, applicationId, http);
        return props;
    }

    /**
     * A Streams instance of {@code app} whose failed stream threads are replaced (a replacement resumes from the last
     * commit, so a bug in one record's handling does not stop the app) and whose metrics {@code metrics} shows.
     */
    public static KafkaStreams create(String app, Topology topology, Properties props, AppMetrics metrics) {
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("A stream thread of {} failed; replacing it (it resumes from the last commit)", app, e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        metrics.bind(new KafkaStreamsMetrics(streams));
        return streams;
    }
}
