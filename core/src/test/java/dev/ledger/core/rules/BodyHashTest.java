package dev.ledger.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BodyHashTest {

    private static final Transfer TRANSFER = Transfer.newBuilder().setPayerAccountId("a").setPayeeAccountId("b")
            .setAmountMinor(100).setFeeMinor(3).setFeeAccountId("fee").setTaxMinor(2).setTaxAccountId("tax")
            .setCurrency("EUR").build();
    private static final TopUp TOP_UP = TopUp.newBuilder().setAccountId("a").setSettlementAccountId("s")
            .setAmountMinor(100).setCurrency("EUR").build();
    private static final CreateAccount CREATE = CreateAccount.newBuilder().setAccountId("a").setCurrency("EUR")
            .setGroup(AccountGroup.ACCOUNT_GROUP_CUSTOMER).setDisplayName("A").build();

    private static long hash(MutationEvent.Builder e) {
        return BodyHash.of(e.build().toByteArray());
    }

    @Test
    void eventIdIsIgnored() {
        for (MutationEvent.Builder e : List.of(MutationEvent.newBuilder().setTransfer(TRANSFER),
                MutationEvent.newBuilder().setTopUp(TOP_UP), MutationEvent.newBuilder().setCreateAccount(CREATE),
                MutationEvent.newBuilder().setSnapshot(Snapshot.newBuilder().setLabel("x")))) {
            long withoutId = hash(e.clone().clearEventId());
            assertThat(hash(e.clone().setEventId("one"))).isEqualTo(withoutId);
            assertThat(hash(e.clone().setEventId("6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"))).isEqualTo(withoutId);
            assertThat(hash(e.clone().setEventId("x".repeat(64)))).isEqualTo(withoutId);
        }
    }

    @Test
    void everyBodyFieldChangesTheHash() {
        Map<String, MutationEvent.Builder> variants = new HashMap<>();
        variants.put("transfer", MutationEvent.newBuilder().setTransfer(TRANSFER));
        variants.put("payer", MutationEvent.newBuilder().setTransfer(TRANSFER.toBuilder().setPayerAccountId("c")));
        variants.put("payee", MutationEvent.newBuilder().setTransfer(TRANSFER.toBuilder().setPayeeAccountId("c")));
        variants.put("amount", MutationEvent.newBuilder().setTransfer(TRANSFER.toBuilder().setAmountMinor(101)));
        variants.put("fee", MutationEvent.newBuilder().setTransfer(TRANSFER.toBuilder().setFeeMinor(4)));
        variants.put("fee account", MutationEvent.newBuilder().setTransfer(TRANSFER.toBuilder().setFeeAccountId("f")));
        variants.put("tax", MutationEvent.newBuilder().setTransfer(TRANSFER.toBuilder().setTaxMinor(1)));
        variants.put("tax account", MutationEvent.newBuilder().setTransfer(TRANSFER.toBuilder().setTaxAccountId("t")));
        variants.put("transfer currency", MutationEvent.newBuilder().setTransfer(TRANSFER.toBuilder().setCurrency("USD")));
        variants.put("no fee leg", MutationEvent.newBuilder().setTransfer(TRANSFER.toBuilder().clearFeeMinor()
                .clearFeeAccountId()));
        variants.put("top-up", MutationEvent.newBuilder().setTopUp(TOP_UP));
        variants.put("top-up account", MutationEvent.newBuilder().setTopUp(TOP_UP.toBuilder().setAccountId("b")));
        variants.put("top-up settlement", MutationEvent.newBuilder().setTopUp(TOP_UP.toBuilder()
                .setSettlementAccountId("t")));
        variants.put("top-up amount", MutationEvent.newBuilder().setTopUp(TOP_UP.toBuilder().setAmountMinor(99)));
        variants.put("top-up currency", MutationEvent.newBuilder().setTopUp(TOP_UP.toBuilder().setCurrency("USD")));
        variants.put("create", MutationEvent.newBuilder().setCreateAccount(CREATE));
        variants.put("create account", MutationEvent.newBuilder().setCreateAccount(CREATE.toBuilder().setAccountId("b")));
        variants.put("create currency", MutationEvent.newBuilder().setCreateAccount(CREATE.toBuilder().setCurrency("USD")));
        variants.put("create group", MutationEvent.newBuilder().setCreateAccount(CREATE.toBuilder()
                .setGroup(AccountGroup.ACCOUNT_GROUP_FEE)));
        variants.put("create name", MutationEvent.newBuilder().setCreateAccount(CREATE.toBuilder().setDisplayName("B")));
        variants.put("snapshot", MutationEvent.newBuilder().setSnapshot(Snapshot.getDefaultInstance()));
        variants.put("snapshot label", MutationEvent.newBuilder().setSnapshot(Snapshot.newBuilder().setLabel("x")));
        variants.put("no body", MutationEvent.newBuilder());

        Map<Long, String> seen = new HashMap<>();
        variants.forEach((name, e) -> {
            String clash = seen.put(hash(e.setEventId("same-id")), name);
            assertThat(clash).as("%s hashes like %s", name, clash).isNull();
        });
    }

    @Test
    void unknownFieldsAreSeenAndEventIdPositionIsNot() throws Exception {
        byte[] base = MutationEvent.newBuilder().setEventId("id").setTransfer(TRANSFER).build().toByteArray();
        byte[] withUnknown = MutationEvent.newBuilder().mergeFrom(base)
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                        .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build())
                .build().toByteArray();
        assertThat(BodyHash.of(withUnknown)).isNotEqualTo(BodyHash.of(base));

        byte[] body = MutationEvent.newBuilder().setTransfer(TRANSFER).build().toByteArray();
        byte[] id = MutationEvent.newBuilder().setEventId("other").build().toByteArray();
        byte[] idLast = new byte[body.length + id.length];
        System.arraycopy(body, 0, idLast, 0, body.length);
        System.arraycopy(id, 0, idLast, body.length, id.length);
        assertThat(BodyHash.of(idLast)).isEqualTo(BodyHash.of(base));
    }
}
