package io.kafkasas.ctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs sasctl in-process, as a user would from a shell, and keeps what it printed. */
public final class Sasctl {

    /** One run: exit code, standard output, standard error. */
    public record Run(int exitCode, String out, String err) {
    }

    private Sasctl() {
    }

    /** Runs {@code sasctl <args...> --config <settings>}. */
    public static Run run(String settings, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config");
        all.add(settings);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SasctlMain.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
            .execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }
}
