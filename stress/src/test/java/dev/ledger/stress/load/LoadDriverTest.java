package dev.ledger.stress.load;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A load run whose setup events are not all accepted stops with an error instead of measuring a broken ledger. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadDriverTest {

    @Test
    void setupEventsThatFailStopTheRunLoudly() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: every setup event times out
        }
        ClientOptions client = new ClientOptions(100, 10, Duration.ofMillis(1), Duration.ofSeconds(1), ClientSecurity.NONE);
        LoadSettings settings = new LoadSettings(List.of("127.0.0.1:" + closedPort), 1, 0, 10,
                Duration.ofSeconds(1), 1, Mix.DEFAULT, 2, client, true, Duration.ZERO, false);

        assertThatThrownBy(() -> new LoadDriver(settings, null, null).run("setup-fails"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setup failed")
                .hasMessageContaining("LedgerTimeoutException");
    }
}
