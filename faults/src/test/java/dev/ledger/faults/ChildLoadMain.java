package dev.ledger.faults;

import dev.ledger.client.LedgerClient;
import java.time.Duration;

/**
 * An SDK client process for the client-crash scenario: drives load at one server until it is killed, printing
 * {@code ACCEPTED <n>} every 100 ms so the parent knows it is mid-load before it sends SIGKILL.
 * Arguments: {@code <port>}.
 */
public final class ChildLoadMain {

    private ChildLoadMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        LedgerClient client = LedgerClient.builder()
                .endpoints("127.0.0.1:" + port)
                .clientName("doomed-child")
                .requestTimeout(Duration.ofSeconds(30))
                .build();
        LoadRunner load = LoadRunner.start(client, "doomed", 2, 2_000, 1_000);
        while (true) {
            Thread.sleep(100);
            System.out.println("ACCEPTED " + load.accepted());
            System.out.flush();
        }
    }
}
