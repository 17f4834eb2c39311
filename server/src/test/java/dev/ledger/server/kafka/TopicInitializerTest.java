package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The startup describe keeps its deadline even when one attempt uses most of it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TopicInitializerTest {

    @Test
    void describeRetryWaitsOnlyForWhatIsLeftOfItsTimeout() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: nothing listens there
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + deadPort);
        // Each admin call gives up after 1.5 s with Kafka's (retriable) TimeoutException.
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 1500);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000);
        try (Admin admin = Admin.create(props)) {
            // Attempt 1 fails retriably after 1.5 s with 1 s left. A second attempt given the whole 2.5 s again
            // would fail the same way at 3 s (an IllegalStateException); bounded by the 1 s left, our own
            // deadline ends it first.
            assertThatThrownBy(() -> TopicInitializer.describe(admin, "nowhere", 3, Duration.ofMillis(2500)))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
        }
    }
}
