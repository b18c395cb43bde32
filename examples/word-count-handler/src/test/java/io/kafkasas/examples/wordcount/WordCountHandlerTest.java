package io.kafkasas.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkasas.handler.StubTaskContext;
import io.kafkasas.handler.TaskFailedException;
import io.kafkasas.handler.TaskHandler;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handler as a unit, with the handler API's stub context: no agent, no Kafka. */
class WordCountHandlerTest {

    private final TaskHandler handler = new WordCountHandler().create(Map.of("max.bytes", "1000000"));

    private static StubTaskContext text(String text) {
        return new StubTaskContext("word-count", text.getBytes(StandardCharsets.UTF_8), "text/plain", null);
    }

    @Test
    void shouldCountLinesAndWords() throws Exception {
        byte[] result = handler.run(text("the quick  brown\n\tfox jumps\n"));

        assertThat(new String(result, StandardCharsets.UTF_8)).isEqualTo("{\"lines\":3,\"words\":5}");
    }

    @Test
    void shouldFailForGoodWhenThePayloadIsTooLarge() {
        TaskHandler small = new WordCountHandler().create(Map.of("max.bytes", "4"));

        assertThatThrownBy(() -> small.run(text("hello")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                assertThat(e.type()).isEqualTo("word-count.too-large");
                assertThat(e.retryable()).isFalse();
            });
    }

    @Test
    void shouldReportProgressOnALongTextAndStopWhenCancelled() throws Exception {
        String longText = "a b\n".repeat(30_000);
        StubTaskContext context = text(longText);

        assertThat(new String(handler.run(context), StandardCharsets.UTF_8)).contains("\"words\":60000");
        assertThat(context.reportedProgress()).extracting(StubTaskContext.Progress::percent)
            .containsExactly(33, 66, 99);

        StubTaskContext cancelled = new StubTaskContext("word-count", longText.getBytes(StandardCharsets.UTF_8),
            "text/plain", Instant.now());
        cancelled.cancel();
        assertThatThrownBy(() -> handler.run(cancelled)).isInstanceOfSatisfying(TaskFailedException.class,
            e -> assertThat(e.type()).isEqualTo("word-count.cancelled"));
    }

    @Test
    void shouldNameAWrongSetting() {
        assertThatThrownBy(() -> new WordCountHandler().create(Map.of("max.bytes", "lots")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handler.word-count.max.bytes");
    }
}
