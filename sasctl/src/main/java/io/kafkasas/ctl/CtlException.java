package io.kafkasas.ctl;

/** A failure sasctl explains in one message and reports with its own exit code (see {@link SasctlMain}). */
public final class CtlException extends RuntimeException {

    private final int exitCode;

    public CtlException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
