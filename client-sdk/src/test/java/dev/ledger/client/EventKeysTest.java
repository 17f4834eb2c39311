package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.MutationEvent;
import org.junit.jupiter.api.Test;

/** The Kafka key the client keeps order by is the one the server writes under (docs/PROTOCOL.md). */
class EventKeysTest {

    @Test
    void eachBodyIsKeyedAsTheServerKeysIt() {
        assertThat(EventKeys.of(Mutations.transfer("alice", "bob", 100, 1, "fees", 1, "taxes", "EUR")))
                .isEqualTo("alice");
        assertThat(EventKeys.of(Mutations.topUp("alice", "settlement", 100, "EUR"))).isEqualTo("alice");
        assertThat(EventKeys.of(Mutations.createAccount("e-1", "carol", "EUR", "Carol", AccountGroup.ACCOUNT_GROUP_CUSTOMER)))
                .isEqualTo("carol");
    }

    @Test
    void aSnapshotAndAnEventWithoutABodyAreTheirOwnKey() {
        assertThat(EventKeys.of(Mutations.snapshot("snap-1", "daily"))).isEqualTo("snap-1");
        assertThat(EventKeys.of(MutationEvent.newBuilder().setEventId("e-9").build())).isEqualTo("e-9");
    }
}
