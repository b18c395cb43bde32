package io.kafkasas.handler;

/**
 * Runs one attempt of a task. Implementations are made by a {@link TaskHandlerFactory} found with
 * {@link java.util.ServiceLoader} and mapped to task types in the agent's configuration.
 *
 * <p>Contract: return a small result (or null) on success; throw {@link TaskFailedException} to fail with an error
 * type and a retryable flag (any other exception is a retryable failure of its class name). Stop promptly when
 * the attempt is cancelled — the thread is interrupted and {@link TaskContext#isCancelled()} turns true — and
 * release whatever was started (processes, connections). Runs are at-least-once: use
 * {@code (taskId, attempt)} or the task id as an idempotency key for side effects.
 */
@FunctionalInterface
public interface TaskHandler {

    byte[] run(TaskContext context) throws Exception;
}
