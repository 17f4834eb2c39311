package dev.ledger.client;

import dev.ledger.proto.MutationEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Submits ledger mutations to the ingest servers and reports, per event, whether Kafka durably stored it.
 *
 * <p><b>Outcomes.</b> A returned future completes normally ONLY with a {@link Receipt} of an ACCEPTED event. Every
 * other outcome completes it exceptionally with a {@link LedgerException}:
 * <ul>
 *   <li>{@link LedgerRejectedException}: INVALID, PERMISSION_DENIED (outside the principal's permissions; the
 *       reason names the rule) or UNAUTHENTICATED, with the server's reason; never retried. Also UNAUTHENTICATED
 *       once every endpoint refused the handshake's token or its TLS (untrusted, expired or misnamed server
 *       certificate, refused client certificate; the reason says which), and UNSPECIFIED for a protocol error
 *       (a result with the UNSPECIFIED status, or every endpoint refusing the protocol version);</li>
 *   <li>{@link LedgerTimeoutException}: the per-event deadline ({@code requestTimeout}) passed while the client was
 *       retrying UNAVAILABLE / OVERLOADED results or lost connections, or had no connection; names the last
 *       status and reason seen;</li>
 *   <li>{@link LedgerClosedException}: submitted after {@link #close()}, or unresolved when close gave up;</li>
 *   <li>{@link LedgerBackpressureException}: {@link #submitAsync} found {@code maxInFlightEvents} unresolved.</li>
 * </ul>
 * Every future completes, by its deadline at the latest. Only bad arguments throw synchronously.
 *
 * <p><b>How it sends.</b> Events submitted concurrently are coalesced into Submit frames (up to
 * {@code maxEventsPerBatch}, waiting at most {@code linger}) and pipelined many per connection; one connection is
 * filled a Submit's worth at a time before the next is used (sticky), so more connections do not mean smaller
 * frames. Events with the same Kafka key submitted one after the other (e.g. from one thread) reach Kafka in that
 * order: a key stays on one connection while any of its events is unanswered. A resend can put an event after later
 * events of its key, unless {@link LedgerClientBuilder#strictKeyOrder(boolean)} is set (docs/CLIENT.md, "Order per
 * key"). Retries resend the same event ids with capped, jittered backoff, so an event may reach Kafka more than
 * once; consumers deduplicate by event id.
 *
 * <p><b>Threads.</b> Thread-safe and meant to be shared: build one per process. Futures are completed on the
 * client's I/O thread (or its deadline timer thread): dependent stages must not block; use the {@code *Async}
 * stages with your own executor for slow work. Never call the blocking {@code submit} from such a stage.
 */
public final class LedgerClient implements AutoCloseable {

    private final ClientCore core;

    LedgerClient(ClientSettings settings) {
        this.core = new ClientCore(settings);
        core.started(this);
    }

    /** @return a builder with the defaults listed on {@link LedgerClientBuilder} */
    public static LedgerClientBuilder builder() {
        return new LedgerClientBuilder();
    }

    /**
     * Submits one event without blocking.
     *
     * @param event the mutation; its {@code event_id} is the idempotency key
     * @return a future completing with an ACCEPTED receipt, or exceptionally with LedgerRejectedException,
     *     LedgerTimeoutException, LedgerClosedException or (at once) LedgerBackpressureException
     * @throws NullPointerException if event is null
     */
    public CompletableFuture<Receipt> submitAsync(MutationEvent event) {
        return core.submitAsync(event);
    }

    /**
     * Submits several events without blocking, kept in one Submit frame where the limits allow. The future completes
     * when every event is resolved: normally with the receipts in list order if all were ACCEPTED, else
     * exceptionally with the failure of the first failed event in list order (others may have been accepted).
     * Either all events are admitted or, at the in-flight limit, none (LedgerBackpressureException).
     *
     * @param events 1..maxInFlightEvents mutations
     * @return the receipts, in list order
     * @throws IllegalArgumentException if the list is empty or larger than maxInFlightEvents
     * @throws NullPointerException if the list or an element is null
     */
    public CompletableFuture<List<Receipt>> submitAsync(List<MutationEvent> events) {
        return allOf(core.submitAsync(events));
    }

    /**
     * Submits one event without blocking and returns the ledger core's decision about it: whether the ledger
     * applied it, or rejected it and why. A rejection (say {@code REASON_INSUFFICIENT_FUNDS}) is an answer: the
     * future completes normally with it, as with an applied event. The event is first stored like any other (the
     * server's Ack); when the decision does not come in time (the server answers DECISION_PENDING) or a connection
     * is lost, the client resends the same event id until the deadline, and the core answers a resend with a
     * {@link Decision#duplicate() duplicate} decision that repeats the original outcome.
     *
     * @param event the mutation; its {@code event_id} is the idempotency key
     * @return a future completing with the decision, or exceptionally exactly as {@link #submitAsync(MutationEvent)}
     *     (LedgerRejectedException for INVALID / UNAUTHENTICATED, LedgerTimeoutException when no decision came
     *     before the deadline, LedgerClosedException, or at once LedgerBackpressureException)
     * @throws NullPointerException if event is null
     */
    public CompletableFuture<Decision> submitForDecision(MutationEvent event) {
        return core.submitForDecision(event);
    }

    /**
     * {@link #submitForDecision(MutationEvent)} for several events, kept in one Submit where the limits allow. The
     * future completes when every event is decided: normally with the decisions in list order (applied and rejected
     * alike), else exceptionally with the failure of the first failed event in list order.
     *
     * @param events 1..maxInFlightEvents mutations
     * @throws IllegalArgumentException if the list is empty or larger than maxInFlightEvents
     * @throws NullPointerException if the list or an element is null
     */
    public CompletableFuture<List<Decision>> submitForDecision(List<MutationEvent> events) {
        return allOf(core.submitForDecision(events));
    }

    /**
     * Blocking twin of {@link #submitForDecision(MutationEvent)}: waits for room at the in-flight limit, then for
     * the decision; the deadline ({@code requestTimeout}) counts from this call.
     *
     * @return the decision, applied or rejected
     * @throws LedgerRejectedException INVALID or UNAUTHENTICATED
     * @throws LedgerTimeoutException no room or no decision before the deadline
     * @throws LedgerClosedException the client is or was closed meanwhile, or the thread was interrupted
     * @throws IllegalStateException if called on the client's I/O thread (a future's dependent stage)
     */
    public Decision submitAndAwaitDecision(MutationEvent event) {
        return await(ClientCore.<Decision>futures(core.submitWaitingForRoom(List.of(event), true), true).get(0));
    }

    /**
     * Blocking twin of {@link #submitForDecision(List)}.
     *
     * @return the decisions, in list order
     * @throws LedgerException the first failure in list order (see {@link #submitAndAwaitDecision(MutationEvent)})
     * @throws IllegalArgumentException if the list is empty or larger than maxInFlightEvents
     */
    public List<Decision> submitAndAwaitDecision(List<MutationEvent> events) {
        return await(allOf(ClientCore.futures(core.submitWaitingForRoom(events, true), true)));
    }

    /**
     * Submits one event and waits for its outcome. At the in-flight limit it waits for room; the deadline
     * ({@code requestTimeout}) counts from this call.
     *
     * @return the ACCEPTED receipt
     * @throws LedgerRejectedException INVALID, PERMISSION_DENIED or UNAUTHENTICATED
     * @throws LedgerTimeoutException no room or no acceptance before the deadline
     * @throws LedgerClosedException the client is or was closed meanwhile, or the thread was interrupted
     * @throws IllegalStateException if called on the client's I/O thread (a future's dependent stage)
     */
    public Receipt submit(MutationEvent event) {
        return await(ClientCore.<Receipt>futures(core.submitWaitingForRoom(List.of(event), false), false).get(0));
    }

    /**
     * Submits several events and waits until all are resolved; as {@link #submitAsync(List)} but blocking, and
     * waiting for room like {@link #submit(MutationEvent)}.
     *
     * @return the ACCEPTED receipts, in list order
     * @throws LedgerException the first failure in list order (see {@link #submit(MutationEvent)})
     * @throws IllegalArgumentException if the list is empty or larger than maxInFlightEvents
     */
    public List<Receipt> submit(List<MutationEvent> events) {
        return await(allOf(ClientCore.futures(core.submitWaitingForRoom(events, false), false)));
    }

    /**
     * @return the client's counters now, the same facts a registered {@link LedgerClientListener} hears;
     *     thread-safe, no locking
     */
    public ClientStats stats() {
        return core.stats();
    }

    /** For tests in this package. */
    ClientCore core() {
        return core;
    }

    /**
     * Closes the client: new submits fail with LedgerClosedException at once; events in flight get up to
     * {@code requestTimeout} to resolve; whatever is still unresolved then fails with LedgerClosedException;
     * connections and threads are released. Blocks for at most about requestTimeout plus connectTimeout; every
     * future is complete when it returns, even if the I/O thread is stuck in an application callback (the stuck
     * ones then fail with LedgerClosedException). Idempotent and thread-safe: only the first call closes; a call
     * made while another is closing returns at once, without waiting for it.
     */
    @Override
    public void close() {
        core.close();
    }

    private static <T> CompletableFuture<List<T>> allOf(List<CompletableFuture<T>> futures) {
        CompletableFuture<List<T>> all = new CompletableFuture<>();
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).whenComplete((ignored, anyFailure) -> {
            List<T> receipts = new ArrayList<>(futures.size());
            for (CompletableFuture<T> f : futures) {
                try {
                    receipts.add(f.join());
                } catch (CompletionException e) {
                    all.completeExceptionally(e.getCause());
                    return;
                }
            }
            all.complete(receipts);
        });
        return all;
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LedgerException failure) {
                throw failure;
            }
            throw new IllegalStateException("unexpected failure", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerClosedException("interrupted while waiting; the event may still be accepted");
        }
    }
}
