package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LedgerClientBuilderTest {

    @Test
    void nonPositiveMaxInFlightIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> LedgerClient.builder().maxInFlightEvents(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxInFlightEvents must be positive: 0");
    }

    @Test
    void everyCountSettingRefusesZero() {
        assertThatThrownBy(() -> LedgerClient.builder().maxEventsPerBatch(0))
                .hasMessage("maxEventsPerBatch must be positive: 0");
        assertThatThrownBy(() -> LedgerClient.builder().connectionsPerEndpoint(-1))
                .hasMessage("connectionsPerEndpoint must be positive: -1");
    }

    @Test
    void durationsMustBePositiveAndLingerNotNegative() {
        assertThatThrownBy(() -> LedgerClient.builder().requestTimeout(Duration.ZERO))
                .hasMessage("requestTimeout must be positive: PT0S");
        assertThatThrownBy(() -> LedgerClient.builder().connectTimeout(null))
                .hasMessage("connectTimeout must not be null");
        assertThatThrownBy(() -> LedgerClient.builder().linger(Duration.ofMillis(-1)))
                .hasMessage("linger must not be negative: PT-0.001S");
        assertThat(LedgerClient.builder().linger(Duration.ZERO)).isNotNull();
    }

    @Test
    void strictKeyOrderIsOffUnlessAskedFor() {
        assertThat(LedgerClient.builder().endpoints("127.0.0.1:1").settings().strictKeyOrder()).isFalse();
        assertThat(LedgerClient.builder().endpoints("127.0.0.1:1").strictKeyOrder(true).settings().strictKeyOrder())
                .isTrue();
    }

    @Test
    void aNullListenerIsRefusedNamingTheSettingAndNoneMeansTheSilentDefault() {
        assertThatThrownBy(() -> LedgerClient.builder().listener(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("listener must not be null");
        assertThat(LedgerClient.builder().endpoints("127.0.0.1:1").settings().listener())
                .isSameAs(Recorder.NO_LISTENER);
    }

    @Test
    void backoffInitialMustNotExceedMax() {
        assertThatThrownBy(() -> LedgerClient.builder().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retryBackoff initial must not exceed max");
    }

    @Test
    void endpointsMustBeHostColonPort() {
        assertThatThrownBy(() -> LedgerClient.builder().endpoints("localhost"))
                .hasMessage("endpoint must be host:port: localhost");
        assertThatThrownBy(() -> LedgerClient.builder().endpoints("localhost:http"))
                .hasMessage("endpoint port is not a number: localhost:http");
        assertThatThrownBy(() -> LedgerClient.builder().endpoints("localhost:70000"))
                .hasMessageContaining("port 1..65535");
        assertThatThrownBy(() -> LedgerClient.builder().endpoints())
                .hasMessage("endpoints must name at least one host:port");
        assertThat(Endpoint.parse("[::1]:7070")).isEqualTo(new Endpoint("::1", 7070));
    }

    @Test
    void buildWithoutEndpointsIsRefused() {
        assertThatThrownBy(() -> LedgerClient.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoints must name at least one host:port");
    }

    @Test
    void buildRefusesLingerNotShorterThanRequestTimeout() {
        assertThatThrownBy(() -> LedgerClient.builder().endpoints("127.0.0.1:7070")
                .requestTimeout(Duration.ofMillis(5)).linger(Duration.ofMillis(5)).build())
                .hasMessage("linger must be shorter than requestTimeout: PT0.005S >= PT0.005S");
    }

    @Test
    void buildRefusesBatchLargerThanInFlightLimit() {
        assertThatThrownBy(() -> LedgerClient.builder().endpoints("127.0.0.1:7070")
                .maxInFlightEvents(10).maxEventsPerBatch(11).build())
                .hasMessage("maxEventsPerBatch must not exceed maxInFlightEvents: 11 > 10");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        ClientSettings s = LedgerClient.builder().endpoints("127.0.0.1:7070").settings();

        assertThat(s.maxInFlightEvents()).isEqualTo(10_000);
        assertThat(s.requestTimeoutNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(s.connectTimeoutNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(s.lingerNanos()).isEqualTo(Duration.ofMillis(1).toNanos());
        assertThat(s.maxEventsPerBatch()).isEqualTo(512);
        assertThat(s.connectionsPerEndpoint()).isEqualTo(1);
        assertThat(s.authToken().get()).isEmpty();
    }
}
