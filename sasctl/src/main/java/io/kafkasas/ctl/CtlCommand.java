package io.kafkasas.ctl;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every sasctl command that answers has: the shared settings, {@code --output}, and where to print. */
public abstract class CtlCommand implements Callable<Integer> {

    @Mixin
    protected Settings settings;

    @Mixin
    protected Output output;

    @Spec
    protected CommandSpec spec;

    public PrintWriter out() {
        return spec.commandLine().getOut();
    }

    public Settings settings() {
        return settings;
    }

    public Output output() {
        return output;
    }
}
