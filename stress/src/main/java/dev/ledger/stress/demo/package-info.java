/**
 * The {@code demo} command: an embedded single-node broker and a server in this JVM (development mode), a
 * scripted workload, then the topic read back and verified.
 *
 * <p>Entry point: {@link dev.ledger.stress.demo.Demo#run()}, called by {@code DemoCommand} and {@code DemoTest}.
 */
package dev.ledger.stress.demo;
