package io.kafkasas.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * One Prometheus registry per app, with the JVM's metrics and, once bound, the Kafka clients' and Streams' own
 * metrics. Every kafka-sas meter is named {@code sas.<app>.<what>} so dashboards find them by prefix.
 */
public final class AppMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> bound = new ArrayList<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public AppMetrics(String app) {
        registry.config().commonTags("app", app);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void bind(Producer<?, ?> producer) {
        bind(new KafkaClientMetrics(producer));
    }

    public void bind(Consumer<?, ?> consumer) {
        bind(new KafkaClientMetrics(consumer));
    }

    /** Binds {@code metrics} (a Kafka client's or Streams' own) and closes them with this registry. */
    public <T extends MeterBinder & AutoCloseable> void bind(T metrics) {
        metrics.bindTo(registry);
        bound.add(metrics);
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        for (AutoCloseable metrics : bound) {
            try {
                metrics.close();
            } catch (Exception ignored) {
                // closing meters of a client that is already gone: nothing left to release
            }
        }
        gc.close();
        registry.close();
    }
}
