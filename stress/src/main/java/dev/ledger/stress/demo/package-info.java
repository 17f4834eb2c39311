/**
 * The one-command demo ({@link dev.ledger.stress.demo.Demo}): embedded Kafka, in-process server and ledger core, a
 * scripted load through the SDK, then the topic and the decision journal verified. Entry point: the {@code demo}
 * command.
 */
package dev.ledger.stress.demo;
