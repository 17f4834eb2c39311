package dev.ledger.devkafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link EmbeddedKafka} cluster as its own process until it is terminated, for the benchmark and for
 * manual experiments. Arguments: {@code [nodes] [dataDir]}. Prints {@code BOOTSTRAP=host:port,...} on
 * standard output once the brokers are ready, so a parent process can read the address.
 */
public final class EmbeddedKafkaMain {

    private EmbeddedKafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Path dataDir = args.length > 1 ? Path.of(args[1]) : null;
        EmbeddedKafka kafka = EmbeddedKafka.start(nodes, dataDir, Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "embedded-kafka-shutdown"));
        System.out.println("BOOTSTRAP=" + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
