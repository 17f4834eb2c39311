package dev.ledger.server.kafka;

import dev.ledger.core.journal.DurableTopics;
import java.util.ArrayList;
import java.util.List;

/**
 * What the topic the server writes can promise, as described by Kafka at startup, and the judgement on it.
 *
 * <p>An ACCEPTED event survives the loss of one broker only when every partition has at least 3 replicas,
 * {@code min.insync.replicas} is at least 2 (so {@code acks=all} means "on two brokers") and at most RF - 1 (so
 * losing one broker does not stop every write), and unclean leader election is off (so a replica that missed
 * acknowledged records can never become leader). {@link #weaknesses()} lists what is missing; {@link
 * #refusal(String)} is the startup message of production mode, naming the topic, the values and the fix.
 *
 * <p>Thread-safe (immutable). Built by {@link TopicInitializer#describe}; judged by {@code LedgerServer} at startup.
 *
 * @param replicationFactor the smallest replica count of any partition
 * @param minInsyncReplicas the effective {@code min.insync.replicas} (topic setting or broker default)
 * @param partitions the topic's partition count when described; the server follows later growth ({@code
 *     KafkaEventWriter#partitions()}), and {@code LedgerServer#topicDurability()} reports the live count ({@link
 *     #withPartitions})
 * @param uncleanLeaderElection the effective {@code unclean.leader.election.enable}
 * @param brokers the brokers in the cluster when described (replication factor 3 needs at least 3)
 */
public record TopicDurability(String topic, int partitions, int replicationFactor, int minInsyncReplicas,
        boolean uncleanLeaderElection, int brokers) {

    /** The replication factor the durability promise needs. */
    public static final int REQUIRED_REPLICATION_FACTOR = DurableTopics.REPLICATION_FACTOR;
    /** The smallest {@code min.insync.replicas} that makes {@code acks=all} mean "on two brokers". */
    public static final int REQUIRED_MIN_INSYNC_REPLICAS = DurableTopics.MIN_INSYNC_REPLICAS;

    /** The same facts with {@code partitions} replaced by the count the server follows now. */
    public TopicDurability withPartitions(int livePartitions) {
        return new TopicDurability(topic, livePartitions, replicationFactor, minInsyncReplicas, uncleanLeaderElection,
                brokers);
    }

    /** Why the topic cannot keep the promise; empty when it can. */
    public List<String> weaknesses() {
        List<String> out = new ArrayList<>();
        if (replicationFactor < REQUIRED_REPLICATION_FACTOR) {
            out.add("replication factor " + replicationFactor + " is below " + REQUIRED_REPLICATION_FACTOR
                    + " (losing one broker can lose ACCEPTED events)"
                    + (brokers < REQUIRED_REPLICATION_FACTOR ? "; the cluster has " + brokers + " broker(s), "
                            + REQUIRED_REPLICATION_FACTOR + " brokers are needed" : ""));
        }
        if (minInsyncReplicas < REQUIRED_MIN_INSYNC_REPLICAS) {
            out.add("min.insync.replicas " + minInsyncReplicas + " is below " + REQUIRED_MIN_INSYNC_REPLICAS
                    + " (acks=all can acknowledge a record that only the leader holds)");
        } else if (minInsyncReplicas > replicationFactor - 1) {
            out.add("min.insync.replicas " + minInsyncReplicas + " is above replication factor - 1 = "
                    + (replicationFactor - 1) + " (every write fails once one broker is down)");
        }
        if (uncleanLeaderElection) {
            out.add("unclean.leader.election.enable is true (an out-of-sync replica can become leader and drop "
                    + "ACCEPTED events)");
        }
        return out;
    }

    public boolean isWeak() {
        return !weaknesses().isEmpty();
    }

    /** What startup does about the topic. */
    public enum Verdict {
        /** Nothing to say. */
        DURABLE,
        /** Development mode (embedded single broker): a weak topic is expected; warn once. */
        WARN_ONCE,
        /** Production mode with {@code --allow-weak-durability}: warn now and every minute. */
        WARN_EVERY_MINUTE
    }

    /**
     * Judges the topic for startup.
     *
     * @throws IllegalStateException with {@link #refusal} when production mode meets a weak topic without
     *     {@code allowWeakDurability}
     */
    public Verdict judge(String bootstrapServers, boolean developmentMode, boolean allowWeakDurability) {
        if (!isWeak()) {
            return Verdict.DURABLE;
        }
        if (developmentMode) {
            return Verdict.WARN_ONCE;
        }
        if (allowWeakDurability) {
            return Verdict.WARN_EVERY_MINUTE;
        }
        throw new IllegalStateException(refusal(bootstrapServers));
    }

    /** The warning logged for a weak topic that the server writes anyway. */
    public String warning(String bootstrapServers, boolean developmentMode) {
        if (developmentMode) {
            return "DEVELOPMENT MODE: topic " + topic + " is not durable (" + String.join("; ", weaknesses())
                    + "); fine on the embedded broker, refused in production mode unless --allow-weak-durability";
        }
        return "WEAK DURABILITY (--allow-weak-durability): topic " + topic + " cannot keep the promise that an "
                + "ACCEPTED event survives the loss of one broker: " + String.join("; ", weaknesses()) + ". Fix: "
                + String.join("; ", fixCommands(bootstrapServers)) + ". This warning repeats every minute.";
    }

    /** The facts for the startup log line, e.g. {@code replicationFactor=3 minInsyncReplicas=2 ... (durable)}. */
    public String describe() {
        return "partitions=" + partitions + " replicationFactor=" + replicationFactor + " minInsyncReplicas="
                + minInsyncReplicas + " uncleanLeaderElection=" + uncleanLeaderElection
                + (isWeak() ? " (WEAK: " + String.join("; ", weaknesses()) + ")" : " (durable)");
    }

    /** The message that stops a production startup on this topic: values found, fix commands, the flag. */
    public String refusal(String bootstrapServers) {
        StringBuilder m = new StringBuilder("topic ").append(topic)
                .append(" cannot keep the durability promise (an ACCEPTED event survives the loss of one broker): ")
                .append(String.join("; ", weaknesses()))
                .append(". Found: replication factor ").append(replicationFactor)
                .append(", min.insync.replicas ").append(minInsyncReplicas)
                .append(", unclean.leader.election.enable ").append(uncleanLeaderElection)
                .append(", brokers in the cluster ").append(brokers).append(". Fix: ");
        for (String command : fixCommands(bootstrapServers)) {
            m.append(command).append("; ");
        }
        return m.append("or start anyway with --allow-weak-durability (env LEDGER_ALLOW_WEAK_DURABILITY=true), ")
                .append("which warns every minute").toString();
    }

    /** Shell commands that make the topic durable (Kafka's own tools), in the order to run them. */
    public List<String> fixCommands(String bootstrapServers) {
        List<String> out = new ArrayList<>();
        if (replicationFactor < REQUIRED_REPLICATION_FACTOR && brokers < REQUIRED_REPLICATION_FACTOR) {
            out.add("add brokers: the cluster has " + brokers + " broker(s) and replication factor "
                    + REQUIRED_REPLICATION_FACTOR + " needs at least " + REQUIRED_REPLICATION_FACTOR + " brokers");
        }
        if (replicationFactor < REQUIRED_REPLICATION_FACTOR) {
            out.add("raise the replication factor to " + REQUIRED_REPLICATION_FACTOR
                    + " with kafka-reassign-partitions.sh --bootstrap-server " + bootstrapServers
                    + " --reassignment-json-file rf3.json --execute (rf3.json lists 3 broker ids as \"replicas\" "
                    + "for each of the " + partitions + " partitions of " + topic + ")");
        }
        int wantedMinIsr = Math.max(REQUIRED_MIN_INSYNC_REPLICAS,
                Math.min(minInsyncReplicas, Math.max(replicationFactor, REQUIRED_REPLICATION_FACTOR) - 1));
        boolean minIsrWrong = minInsyncReplicas != wantedMinIsr;
        if (minIsrWrong || uncleanLeaderElection) {
            List<String> configs = new ArrayList<>();
            if (minIsrWrong) {
                configs.add("min.insync.replicas=" + wantedMinIsr);
            }
            if (uncleanLeaderElection) {
                configs.add("unclean.leader.election.enable=false");
            }
            out.add("kafka-configs.sh --bootstrap-server " + bootstrapServers + " --alter --entity-type topics"
                    + " --entity-name " + topic + " --add-config " + String.join(",", configs));
        }
        return out;
    }
}
