package dev.ledger.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against a real ledger ({@link LedgerExtension}): Kafka, the server on a free
 * loopback port and the core, started before the first test and shared by the class (or the run). Test methods
 * (and lifecycle methods) may declare parameters of type {@link Ledger}, {@code LedgerClient},
 * {@link LedgerRecords}, and {@code String} marked {@link LedgerEndpoint} or {@link BootstrapServers}.
 *
 * <pre>{@code
 * @LedgerTest
 * class PaymentsTest {
 *     @Test
 *     void transferIsStored(LedgerClient client, LedgerRecords records) {
 *         Receipt r = client.submit(Mutations.createAccount("alice", "EUR", "Alice", AccountGroup.ACCOUNT_GROUP_CUSTOMER));
 *         assertThat(records.eventIds()).contains(r.eventId());
 *     }
 * }
 * }</pre>
 *
 * For settings chosen in code, use {@code @RegisterExtension static LedgerExtension ledger = LedgerExtension.builder()...build()}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(LedgerExtension.class)
public @interface LedgerTest {

    /** Whether the ledger core runs (decisions in {@code ledger.decisions}). */
    boolean core() default true;

    /**
     * The Kafka back-end: empty (the default) = the system property {@value KafkaMode#PROPERTY}, else embedded;
     * at most one value.
     */
    KafkaMode[] kafka() default {};

    /** Where the server runs; {@link ServerMode#CHILD_JVM} for {@code killServer()}. */
    ServerMode server() default ServerMode.IN_PROCESS;

    /** One ledger per class, or one for the whole run. */
    LedgerScope scope() default LedgerScope.CLASS;

    /** Fresh topics before every test but the first. */
    boolean resetEachTest() default false;
}
