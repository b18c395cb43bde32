package io.kafkasas.kafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a one-node KRaft cluster as a process of its own: {@code BrokerMain <data-dir> <port> [<security-dir>]}. The
 * broker listens on 127.0.0.1:port and its controller on port+1; the data survives a restart on the same directory.
 * With a security directory ({@link ClusterSecurity#create}) the cluster is secured. It stops cleanly on SIGTERM.
 * The local stack starts it as a child process.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2 && args.length != 3) {
            throw new IllegalArgumentException("usage: BrokerMain <data-dir> <port> [<security-dir>]");
        }
        KafkaCluster cluster = KafkaCluster.start(Path.of(args[0]), 1, Integer.parseInt(args[1]), Map.of(),
            args.length == 3 ? ClusterSecurity.load(Path.of(args[2])) : null);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "broker-shutdown"));
        stopped.await();
    }
}
