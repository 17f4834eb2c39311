package dev.ledger.server;

import com.google.protobuf.ByteString;
import dev.ledger.core.rules.WireEvent;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.proto.SubmitView;
import dev.ledger.server.decisions.AwaitedDecisions;
import dev.ledger.server.kafka.EventResults;
import dev.ledger.server.kafka.KafkaEventWriter;
import dev.ledger.server.security.Principal;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.List;

/**
 * Handles the events of one Submit on the event loop: read each raw event from its bytes (only to validate it and to
 * find its key; no message object), answer INVALID ones at once with the validator's reason, PERMISSION_DENIED ones
 * (outside the principal's event types or debit-account patterns) with the rule's reason, OVERLOADED ones past the
 * principal's rate, and hand the rest, as their original bytes, to the Kafka writer with the principal in the
 * {@code principal} header. While the server drains, Submits already on their way are still written (GoAway asks the
 * client to stop sending; the drain timeout bounds how long the server keeps listening). Never blocks.
 *
 * <p>Thread-safe: apart from the shared, thread-safe {@link ServerContext}, its only state is one {@link WireEvent}
 * per thread (per event loop), everything read from it taken before anything is called that could dispatch again.
 */
final class SubmitDispatcher {

    private static final FastThreadLocal<WireEvent> READERS = new FastThreadLocal<>() {
        @Override
        protected WireEvent initialValue() {
            return new WireEvent();
        }
    };

    private final ServerContext context;

    SubmitDispatcher(ServerContext context) {
        this.context = context;
    }

    /**
     * Dispatches every event of {@code submit} into {@code pending}; results may arrive before this returns. With
     * {@code awaited} (the Submit awaits decisions), each valid, permitted event is registered for its decision
     * before it is sent, so the decision cannot arrive unseen.
     */
    void dispatch(SubmitView submit, PendingSubmit pending, byte[] clientName, Principal principal,
            AwaitedDecisions awaited) {
        List<ByteString> events = submit.getEventsList();
        WireEvent event = READERS.get();
        KafkaEventWriter.SubmitHeaders headers = null;
        for (int i = 0; i < events.size(); i++) {
            // The one copy of the event: read here, then written to Kafka as it is (the ByteString may alias the
            // network buffer).
            byte[] bytes = events.get(i).toByteArray();
            String malformed = event.read(bytes);
            if (malformed != null) {
                pending.eventId(i, "");
                pending.complete(i, EventResults.of("", Status.STATUS_INVALID,
                        "events[" + i + "] is not a MutationEvent: " + malformed));
                continue;
            }
            String eventId = event.eventId();
            boolean idInBytes = event.buffer() == bytes;
            if (idInBytes) {
                pending.eventIdBytes(i, bytes, event.eventIdOffset(), event.eventIdLength());
            } else {
                pending.eventId(i, eventId); // read by protobuf: the id's bytes are in a scratch copy
            }
            pending.eventType(i, event.bodyField());
            String reason = event.validate();
            String denied;
            if (reason != null) {
                pending.complete(i, EventResults.of(eventId, Status.STATUS_INVALID, reason));
            } else if ((denied = principal.permits(event)) != null) {
                pending.complete(i, EventResults.of(eventId, Status.STATUS_PERMISSION_DENIED, denied));
            } else if (!principal.tryAcquire()) {
                pending.complete(i, EventResults.of(eventId, Status.STATUS_OVERLOADED, "principal "
                        + principal.name() + " is over its rate of " + principal.ratePerSecond()
                        + " events/s; retry with backoff and the same event_id"));
            } else {
                byte[] key = KafkaEventWriter.key(event);
                boolean snapshot = event.bodyField() == MutationEvent.SNAPSHOT_FIELD_NUMBER;
                if (headers == null) {
                    headers = context.writer().headersFor(clientName, principal.nameBytes());
                }
                if (awaited != null) {
                    if (idInBytes) {
                        awaited.register(i, eventId, bytes, event.eventIdOffset(), event.eventIdLength(),
                                context.decisions());
                    } else {
                        awaited.register(i, eventId, context.decisions());
                    }
                }
                context.writer().write(eventId, key, snapshot, bytes, headers, pending, i);
            }
        }
    }
}
