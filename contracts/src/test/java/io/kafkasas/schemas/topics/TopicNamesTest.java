package io.kafkasas.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each queue's lanes: a topic per priority band, known by name, and no queue that could pass for a lane. */
class TopicNamesTest {

    private final TopicNames names = new TopicNames("sas.", List.of("default", "billing"));

    @Test
    void shouldPutATaskInTheLaneOfItsPriority() {
        assertThat(names.tasks("billing", 5)).isEqualTo("sas.tasks.billing.high");
        assertThat(names.tasks("billing", 0)).isEqualTo("sas.tasks.billing").isEqualTo(names.tasks("billing"));
        assertThat(names.tasks("billing", -1)).isEqualTo("sas.tasks.billing.low");
        assertThat(names.taskTopics()).containsExactly("sas.tasks.default.high", "sas.tasks.default",
            "sas.tasks.default.low", "sas.tasks.billing.high", "sas.tasks.billing", "sas.tasks.billing.low");
        assertThat(names.all()).containsAll(names.taskTopics());
        assertThat(names.laneOf("sas.tasks.billing.low")).hasValue(Lane.LOW);
        assertThat(names.laneOf("sas.task-status")).isEmpty();
    }

    @Test
    void shouldRefuseAQueueNamedLikeALane() {
        assertThatThrownBy(() -> new TopicNames("sas.", List.of("default", "default.high")))
            .hasMessageContaining("may not end in .high or .low");
    }
}
