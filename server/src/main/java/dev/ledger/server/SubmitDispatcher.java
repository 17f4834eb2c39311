package dev.ledger.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.proto.SubmitView;
import dev.ledger.server.decisions.AwaitedDecisions;
import dev.ledger.server.kafka.EventResults;
import dev.ledger.server.kafka.KafkaEventWriter;
import dev.ledger.server.security.Principal;
import java.util.List;

/**
 * Handles the events of one Submit on the event loop: parse each raw event (only to validate and to find its
 * key), answer INVALID ones at once with the validator's reason, PERMISSION_DENIED ones (outside the principal's
 * event types or debit-account patterns) with the rule's reason, OVERLOADED ones past the principal's rate, and
 * hand the rest, as their original bytes, to the Kafka writer with the principal in the {@code principal}
 * header. While the server drains, Submits already on their way are still written (GoAway asks the
 * client to stop sending; the drain timeout bounds how long the server keeps listening). Never blocks.
 *
 * <p>Thread-safe (stateless apart from the shared, thread-safe {@link ServerContext}).
 */
final class SubmitDispatcher {

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
        KafkaEventWriter.SubmitHeaders headers = null;
        for (int i = 0; i < events.size(); i++) {
            ByteString bytes = events.get(i);
            MutationEvent event;
            try {
                event = MutationEvent.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                pending.eventId(i, "");
                pending.complete(i, EventResults.of("", Status.STATUS_INVALID,
                        "events[" + i + "] is not a MutationEvent: " + e.getMessage()));
                continue;
            }
            pending.eventId(i, event.getEventId());
            pending.eventType(i, event.getBodyCase().getNumber());
            String reason = context.validator().validate(event);
            String denied;
            if (reason != null) {
                pending.complete(i, EventResults.of(event.getEventId(), Status.STATUS_INVALID, reason));
            } else if ((denied = principal.permits(event)) != null) {
                pending.complete(i, EventResults.of(event.getEventId(), Status.STATUS_PERMISSION_DENIED, denied));
            } else if (!principal.tryAcquire()) {
                pending.complete(i, EventResults.of(event.getEventId(), Status.STATUS_OVERLOADED, "principal "
                        + principal.name() + " is over its rate of " + principal.ratePerSecond()
                        + " events/s; retry with backoff and the same event_id"));
            } else {
                if (headers == null) {
                    headers = context.writer().headersFor(clientName, principal.nameBytes());
                }
                if (awaited != null) {
                    awaited.register(i, event.getEventId(), context.decisions());
                }
                context.writer().write(event, bytes, headers, pending, i);
            }
        }
    }
}
