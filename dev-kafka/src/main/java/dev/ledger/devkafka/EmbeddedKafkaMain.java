package dev.ledger.devkafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link EmbeddedKafka} cluster as its own process until it is terminated, for the benchmark and for
 * manual experiments. Arguments: {@code [nodes] [dataDir]}. Every system property {@code broker.KEY=VALUE} becomes
 * the broker setting {@code KEY=VALUE} (e.g. {@code bench --broker-jvm-opts="-Xmx2g
 * -Dbroker.add.partitions.to.txn.retry.backoff.ms=20"}). Prints {@code BOOTSTRAP=host:port,...} on standard output
 * once the brokers are ready, so a parent process can read the address.
 */
public final class EmbeddedKafkaMain {

    private EmbeddedKafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Path dataDir = args.length > 1 ? Path.of(args[1]) : null;
        Map<String, String> brokerProps = new java.util.TreeMap<>();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("broker.")) {
                brokerProps.put(k.toString().substring("broker.".length()), v.toString());
            }
        });
        EmbeddedKafka kafka = EmbeddedKafka.start(nodes, dataDir, brokerProps);
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
