package dev.ledger.core.rules;

import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a {@link Ledger} holds, as plain values that compare with {@code equals}: every account's attributes,
 * balance, last sequence and last event id, every kept id with its fingerprint, sequence and code, and the next
 * sequence. Tests compare two of these to say "nothing changed" or "the fold reproduces the state".
 */
record LedgerState(Map<String, String> accounts, Map<String, String> ids, long nextSequence) {

    static LedgerState of(Ledger ledger) {
        Map<String, String> accounts = new TreeMap<>();
        ledger.accounts().forEach((id, a) -> accounts.put(id, a.currency() + " " + a.group() + " \""
                + a.displayName() + "\" balance=" + a.balanceMinor() + " lastSequence=" + a.lastSequence()
                + " lastEventId=" + a.lastEventId()));
        Map<String, String> ids = new TreeMap<>();
        ledger.ids().forEach(new IdTable.Visitor() {
            @Override
            public void uuid(long msb, long lsb, long bodyHash, long sequence, int code) {
                put("uuid:" + Uuids.format(msb, lsb), bodyHash, sequence, code);
            }

            @Override
            public void text(String id, long bodyHash, long sequence, int code) {
                put("text:" + id, bodyHash, sequence, code);
            }

            private void put(String key, long bodyHash, long sequence, int code) {
                String previous = ids.put(key, Long.toHexString(bodyHash) + " seq=" + sequence + " code=" + code);
                if (previous != null) {
                    throw new AssertionError("id visited twice: " + key);
                }
            }
        });
        return new LedgerState(accounts, ids, ledger.nextSequence());
    }
}
