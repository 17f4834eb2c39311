/**
 * The load driver: {@link dev.ledger.stress.load.LoadDriver} runs one load through the SDK, open loop (paced by
 * {@link dev.ledger.stress.load.OpenLoopLimiter}, latency from each event's intended send time) or closed loop,
 * with events from {@link dev.ledger.stress.load.Workload} and outcomes counted in
 * {@link dev.ledger.stress.load.Outcomes}; {@link dev.ledger.stress.load.Submitter} hands events to the SDK and backs
 * off under backpressure without passing an event's deadline; its {@link dev.ledger.stress.load.Lane}s fail over
 * between targets.
 *
 * <p>Entry point: {@code LoadDriver.run}. Calls the SDK, the schema and {@code report}; callers: the {@code run}
 * command, the demo and the bench.
 */
package dev.ledger.stress.load;
