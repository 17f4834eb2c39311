package dev.ledger.testkit;

import dev.ledger.client.Mutations;
import dev.ledger.client.Receipt;
import java.lang.management.ManagementFactory;

/**
 * The same measurement as {@link TimeToFirstEventTest} without JUnit and Maven around it, so it can be repeated
 * cheaply in fresh JVMs: starts a ledger with the default settings, submits one event, prints the time from JVM
 * start to its ACCEPTED receipt and the CPU this JVM used, and exits. Run from {@code testkit/} with the test class
 * path: {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "target/test-classes:target/classes:$(cat
 * target/test-classpath.txt)" dev.ledger.testkit.TimeToFirstEventMain} (the class path file from
 * {@code mvn -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -pl testkit -am}).
 */
public final class TimeToFirstEventMain {

    private TimeToFirstEventMain() {
    }

    public static void main(String[] args) {
        long classLoaded = System.nanoTime();
        try (RunningLedger ledger = RunningLedger.start(LedgerSettings.defaults())) {
            Receipt r = ledger.client().submit(Mutations.snapshot("first"));
            long fromJvm = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            long cpuMs = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                    .getProcessCpuTime() / 1_000_000;
            System.out.println("first ACCEPTED event (" + r.status() + "): " + fromJvm + " ms after the JVM started, "
                    + (System.nanoTime() - classLoaded) / 1_000_000 + " ms after main, " + cpuMs + " ms CPU, load "
                    + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        Runtime.getRuntime().halt(0);
    }
}
