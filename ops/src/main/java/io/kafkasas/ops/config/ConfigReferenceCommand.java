package io.kafkasas.ops.config;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints the configuration reference (docs/configuration.md). */
@Command(name = "config-reference", mixinStandardHelpOptions = true,
    description = "Prints the configuration reference of every app (Markdown): each key, its environment variable,"
        + " type, default, valid values and meaning.",
    footer = {"", "Example:", "  config-reference > docs/configuration.md"})
public final class ConfigReferenceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(ConfigReference.markdown());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
