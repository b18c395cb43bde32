package io.kafkasas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kafkasas.schemas.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpAuthTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadTokensFromTheFileAndTheSettingAndKeepTheRolesApart() throws Exception {
        String operator = HttpAuth.newToken();
        String reader = HttpAuth.newToken();
        Path file = Files.writeString(dir.resolve("tokens"), "# who may do what\n\n"
            + HttpAuth.entry("oncall", Set.of(Role.OPERATE, Role.READ), operator) + "\n");
        HttpAuth auth = HttpAuth.of(true, HttpAuth.entry("grafana", Set.of(Role.READ), reader), file, null);

        assertThat(auth.check(Wire.bearer(operator), Role.OPERATE, "cancel").caller().name()).isEqualTo("oncall");
        assertThat(auth.check("bearer " + reader, Role.READ, "read").allowed()).isTrue();
        assertThat(auth.check(Wire.bearer(reader), Role.OPERATE, "cancel").status()).isEqualTo(403);
        assertThat(auth.check(Wire.bearer(operator), Role.SUBMIT, "submit").reason())
            .isEqualTo("'oncall' may not submit: that needs the role 'submit'; it has operate, read");
    }

    /** A rotated Secret is picked up without a restart; a broken one keeps the tokens that worked. */
    @Test
    void shouldPickUpARewrittenFileAndKeepTheOldTokensWhenItBreaks() throws Exception {
        String first = HttpAuth.newToken();
        String second = HttpAuth.newToken();
        Path file = Files.writeString(dir.resolve("tokens"), HttpAuth.entry("ci", Set.of(Role.SUBMIT), first));
        HttpAuth auth = HttpAuth.of(true, null, file, null);
        assertThat(auth.check(Wire.bearer(first), Role.SUBMIT, "submit").allowed()).isTrue();

        Files.writeString(file, HttpAuth.entry("ci", Set.of(Role.SUBMIT), second));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        await().until(() -> auth.check(Wire.bearer(second), Role.SUBMIT, "submit").allowed());
        assertThat(auth.check(Wire.bearer(first), Role.SUBMIT, "submit").status()).isEqualTo(401);

        Files.writeString(file, "ci submit short");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        // past the re-read of the broken file (at most a second away), the working token still works
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
            .until(() -> auth.check(Wire.bearer(second), Role.SUBMIT, "submit").allowed());
    }

    @Test
    void shouldRefuseMalformedEntriesWithoutPrintingTheToken() {
        String token = HttpAuth.newToken();
        assertThatThrownBy(() -> HttpAuth.of(true, "ci admin " + token, null, null))
            .hasMessageContaining("unknown role 'admin'").hasMessageNotContaining(token);
        assertThatThrownBy(() -> HttpAuth.of(true, "ci submit tooShort", null, null))
            .hasMessageContaining("at least 16").hasMessageNotContaining("tooShort");
        assertThatThrownBy(() -> HttpAuth.of(true, "ci submit", null, null))
            .hasMessageContaining("'<name> <role>[,<role>...] <token>'");
        assertThatThrownBy(() -> HttpAuth.of(true, "a read " + token + ";b submit " + token, null, null))
            .hasMessageContaining("the same token is given twice").hasMessageNotContaining(token);
        assertThatThrownBy(() -> HttpAuth.of(true, null, dir.resolve("absent"), null))
            .hasMessageContaining("http.auth.tokens.file");
        assertThat(HttpAuth.of(true, "ci submit " + token, null, null).toString()).doesNotContain(token);
    }

    @Test
    void shouldLetEveryoneInOnlyWhenNotRequired() {
        assertThat(HttpAuth.none().check(null, Role.OPERATE, "cancel").allowed()).isTrue();
        assertThat(HttpAuth.of(true, null, null, null).check(null, Role.READ, "read").status()).isEqualTo(401);
    }
}
