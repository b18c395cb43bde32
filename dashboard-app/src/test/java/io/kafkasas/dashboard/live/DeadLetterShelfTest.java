package io.kafkasas.dashboard.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.ctl.deadletters.DeadLetterLog;
import io.kafkasas.schemas.Contracts;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeadLetterShelfTest {

    @BeforeAll
    static void trust() {
        Contracts.trust();
    }

    @Test
    void shouldPageNewestFirstFromBeforeAGivenLetterAndKeepOnlyTheNewest() {
        DeadLetterShelf shelf = new DeadLetterShelf(5);
        for (int offset = 0; offset < 8; offset++) {
            shelf.add(entry(offset, offset % 2 == 0 ? DeadLetterReason.RETRIES_EXHAUSTED
                : DeadLetterReason.INVALID_REQUEST));
        }

        assertThat(shelf.total()).isEqualTo(8);
        assertThat(ats(shelf.page(e -> true, null, 3))).containsExactly("0:7", "0:6", "0:5");
        assertThat(ats(shelf.page(e -> true, "0:5", 3))).containsExactly("0:4", "0:3");
        assertThat(ats(shelf.page(e -> e.letter().getReason() == DeadLetterReason.INVALID_REQUEST, null, 10)))
            .containsExactly("0:7", "0:5", "0:3");
        assertThat(shelf.at("0:2")).as("no longer kept").isEmpty();
        assertThat(shelf.at("0:4")).isPresent();
    }

    private static List<String> ats(List<DeadLetterLog.Entry> entries) {
        return entries.stream().map(DeadLetterLog.Entry::at).toList();
    }

    private static DeadLetterLog.Entry entry(long offset, DeadLetterReason reason) {
        DeadLetter letter = DeadLetter.newBuilder().setReason(reason).setMessage("m").setSourceTopic("t")
            .setProducedBy("test").setTimestamp(Instant.EPOCH).build();
        return new DeadLetterLog.Entry("sas.dead-letters", 0, offset, Instant.ofEpochSecond(offset), letter, null);
    }
}
