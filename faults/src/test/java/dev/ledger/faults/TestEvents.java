package dev.ledger.faults;

import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Transfer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Valid ledger events built straight from the schema, for the raw-socket clients (the SDK builds its own through
 * {@code Mutations}). Ids carry a prefix so a verifier can tell whose event it reads back.
 *
 * <p>Stateless and thread-safe.
 */
final class TestEvents {

    private TestEvents() {
    }

    static MutationEvent transfer(String eventId) {
        int payer = ThreadLocalRandom.current().nextInt(1_000);
        return MutationEvent.newBuilder()
                .setEventId(eventId)
                .setTransfer(Transfer.newBuilder()
                        .setPayerAccountId("acct-" + payer)
                        .setPayeeAccountId("acct-" + (payer + 1))
                        .setAmountMinor(1_000)
                        .setFeeMinor(10)
                        .setFeeAccountId("fee")
                        .setCurrency("USD"))
                .build();
    }

    static List<MutationEvent> transfers(String idPrefix, int count) {
        List<MutationEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(transfer(idPrefix + "-" + UUID.randomUUID()));
        }
        return events;
    }
}
