package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.server.kafka.TopicDurability.Verdict;
import org.junit.jupiter.api.Test;

class TopicDurabilityTest {

    private static final String BOOTSTRAP = "k1:9092,k2:9092";

    @Test
    void threeReplicasMinIsrTwoAndNoUncleanElectionIsDurable() {
        TopicDurability d = new TopicDurability("t", 3, 3, 2, false, 3);
        assertThat(d.weaknesses()).isEmpty();
        assertThat(d.judge(BOOTSTRAP, false, false)).isEqualTo(Verdict.DURABLE);
        assertThat(d.describe()).contains("replicationFactor=3", "minInsyncReplicas=2", "(durable)");
        assertThat(new TopicDurability("t", 3, 5, 4, false, 3).isWeak()).isFalse();
    }

    @Test
    void eachMissingGuaranteeIsNamed() {
        assertThat(new TopicDurability("t", 3, 1, 1, false, 3).weaknesses())
                .anyMatch(w -> w.startsWith("replication factor 1 is below 3"))
                .anyMatch(w -> w.startsWith("min.insync.replicas 1 is below 2"));
        assertThat(new TopicDurability("t", 3, 3, 1, false, 3).weaknesses())
                .singleElement().asString().startsWith("min.insync.replicas 1 is below 2");
        assertThat(new TopicDurability("t", 3, 3, 3, false, 3).weaknesses())
                .singleElement().asString().startsWith("min.insync.replicas 3 is above replication factor - 1 = 2");
        assertThat(new TopicDurability("t", 3, 3, 2, true, 3).weaknesses())
                .singleElement().asString().startsWith("unclean.leader.election.enable is true");
    }

    @Test
    void productionRefusesAWeakTopicWithValuesFixAndFlag() {
        TopicDurability d = new TopicDurability("ledger.mutations", 6, 1, 1, false, 3);
        assertThatThrownBy(() -> d.judge(BOOTSTRAP, false, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("topic ledger.mutations cannot keep the durability promise")
                .hasMessageContaining("Found: replication factor 1, min.insync.replicas 1, "
                        + "unclean.leader.election.enable false, brokers in the cluster 3")
                .hasMessageContaining("kafka-reassign-partitions.sh --bootstrap-server " + BOOTSTRAP)
                .hasMessageContaining("for each of the 6 partitions")
                .hasMessageContaining("kafka-configs.sh --bootstrap-server " + BOOTSTRAP + " --alter --entity-type "
                        + "topics --entity-name ledger.mutations --add-config min.insync.replicas=2")
                .hasMessageContaining("--allow-weak-durability");
    }

    @Test
    void onAClusterOfFewerThanThreeBrokersTheRefusalSaysThreeBrokersAreNeeded() {
        TopicDurability d = new TopicDurability("ledger.mutations", 3, 1, 1, false, 1);
        assertThat(d.weaknesses()).anyMatch(w -> w.startsWith("replication factor 1 is below 3")
                && w.endsWith("the cluster has 1 broker(s), 3 brokers are needed"));
        assertThat(d.fixCommands(BOOTSTRAP)).first().asString()
                .isEqualTo("add brokers: the cluster has 1 broker(s) and replication factor 3 needs at least 3 brokers");
        assertThatThrownBy(() -> d.judge(BOOTSTRAP, false, false))
                .hasMessageContaining("3 brokers are needed").hasMessageContaining("brokers in the cluster 1");
        assertThat(new TopicDurability("t", 3, 1, 1, false, 3).fixCommands(BOOTSTRAP))
                .noneMatch(c -> c.startsWith("add brokers"));
    }

    @Test
    void liveCountReplacesTheStartupPartitionCount() {
        TopicDurability d = new TopicDurability("t", 3, 1, 1, false, 3).withPartitions(5);
        assertThat(d.partitions()).isEqualTo(5);
        assertThat(d.describe()).startsWith("partitions=5 ");
        assertThat(d.fixCommands("b:1")).anyMatch(c -> c.contains("for each of the 5 partitions"));
    }

    @Test
    void flagWarnsEveryMinuteAndDevelopmentModeWarnsOnce() {
        TopicDurability d = new TopicDurability("t", 3, 1, 1, false, 3);
        assertThat(d.judge(BOOTSTRAP, false, true)).isEqualTo(Verdict.WARN_EVERY_MINUTE);
        assertThat(d.judge(BOOTSTRAP, true, false)).isEqualTo(Verdict.WARN_ONCE);
        assertThat(d.warning(BOOTSTRAP, false)).startsWith("WEAK DURABILITY").contains("repeats every minute");
        assertThat(d.warning(BOOTSTRAP, true)).startsWith("DEVELOPMENT MODE");
        assertThat(d.describe()).contains("(WEAK: replication factor 1 is below 3");
    }

    @Test
    void fixCommandsSetOnlyWhatIsWrong() {
        assertThat(new TopicDurability("t", 3, 3, 1, false, 3).fixCommands("b:1")).containsExactly(
                "kafka-configs.sh --bootstrap-server b:1 --alter --entity-type topics --entity-name t "
                        + "--add-config min.insync.replicas=2");
        assertThat(new TopicDurability("t", 3, 3, 3, true, 3).fixCommands("b:1")).singleElement().asString()
                .endsWith("--add-config min.insync.replicas=2,unclean.leader.election.enable=false");
        assertThat(new TopicDurability("t", 3, 2, 2, false, 3).fixCommands("b:1")).singleElement().asString()
                .startsWith("raise the replication factor to 3 with kafka-reassign-partitions.sh");
    }

    @Test
    void createdTopicsGetMinIsrTwoFromThreeReplicasAndNeverUncleanElection() {
        assertThat(TopicInitializer.creationConfigs(3))
                .containsEntry("min.insync.replicas", "2").containsEntry("unclean.leader.election.enable", "false");
        assertThat(TopicInitializer.creationConfigs(1))
                .doesNotContainKey("min.insync.replicas").containsEntry("unclean.leader.election.enable", "false");
    }
}
