package dev.ledger.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A {@link Decision}'s balances, decoded from the wire on first access: most callers never look at them, so a
 * decision keeps only a copy of its {@code AccountBalance} fields' bytes (already checked by {@link DecisionsFrame},
 * so decoding cannot fail) until then. The decoded map is the immutable map the eager decoding built, and every
 * method is that map's: same entries, same iteration order, {@code equals}, {@code hashCode} and {@code toString},
 * and every mutator throws {@link UnsupportedOperationException}. An account named twice keeps its last balance.
 *
 * <p>Immutable and thread-safe: the first access decodes once, under a lock users cannot reach; serialized as the
 * decoded map.
 */
final class LazyBalances extends AbstractMap<String, Long> implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private static final int ACCOUNT_ID = 10;
    private static final int BALANCE_MINOR = 16;

    /**
     * The decision's balance fields (tag, length, AccountBalance), in wire order. Final, so a Decision that reaches
     * another thread without safe publication still decodes; also the lock of the first decode (users cannot reach
     * it).
     */
    private final byte[] fields;
    private transient volatile Map<String, Long> decoded;

    LazyBalances(byte[] fields) {
        this.fields = fields;
    }

    /** Serialized as the plain immutable map it stands for. */
    private Object writeReplace() {
        return decoded();
    }

    /**
     * Reads one {@code AccountBalance} message, {@code r}'s bytes up to {@code end}, checking it as protobuf does.
     *
     * @return its entry when {@code decode}, null otherwise
     */
    static Map.Entry<String, Long> readAccountBalance(WireReader r, int end, boolean decode)
            throws InvalidProtocolBufferException {
        int outer = r.enter(end);
        int idStart = 0;
        int idEnd = 0;
        long balance = 0;
        while (!r.atEnd()) {
            int tag = r.readTag();
            switch (tag) {
                case ACCOUNT_ID -> {
                    int fieldEnd = r.readUtf8();
                    idStart = r.pos;
                    idEnd = r.pos = fieldEnd;
                }
                case BALANCE_MINOR -> balance = r.readVarint64();
                default -> r.skipField(tag, DecisionsFrame.FIELD_MESSAGE_DEPTH);
            }
        }
        r.leave(outer);
        return decode ? Map.entry(new String(r.buf, idStart, idEnd - idStart, StandardCharsets.UTF_8), balance) : null;
    }

    private Map<String, Long> decoded() {
        Map<String, Long> map = decoded;
        if (map == null) {
            synchronized (fields) {
                map = decoded;
                if (map == null) {
                    map = decode(fields);
                    decoded = map;
                }
            }
        }
        return map;
    }

    /**
     * As the eager decoding did: {@code Map.ofEntries} in wire order, or, when an account is named twice, the
     * entries of a map filled in wire order.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Long> decode(byte[] fields) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        WireReader r = new WireReader(fields, 0, fields.length);
        try {
            while (!r.atEnd()) {
                r.readTag();
                entries.add(readAccountBalance(r, r.readLengthDelimited(), true));
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("balances were checked when the frame was read", e);
        }
        try {
            return Map.ofEntries(entries.toArray((Map.Entry<String, Long>[]) new Map.Entry<?, ?>[0]));
        } catch (IllegalArgumentException duplicateAccount) {
            Map<String, Long> inOrder = new LinkedHashMap<>();
            for (Map.Entry<String, Long> e : entries) {
                inOrder.put(e.getKey(), e.getValue());
            }
            return Map.copyOf(inOrder);
        }
    }

    @Override
    public Set<Map.Entry<String, Long>> entrySet() {
        return decoded().entrySet();
    }

    @Override
    public Set<String> keySet() {
        return decoded().keySet();
    }

    @Override
    public Collection<Long> values() {
        return decoded().values();
    }

    @Override
    public int size() {
        return decoded().size();
    }

    @Override
    public boolean isEmpty() {
        return decoded().isEmpty();
    }

    @Override
    public boolean containsKey(Object key) {
        return decoded().containsKey(key);
    }

    @Override
    public boolean containsValue(Object value) {
        return decoded().containsValue(value);
    }

    @Override
    public Long get(Object key) {
        return decoded().get(key);
    }

    @Override
    public Long getOrDefault(Object key, Long defaultValue) {
        return decoded().getOrDefault(key, defaultValue);
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Long> action) {
        decoded().forEach(action);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || decoded().equals(o);
    }

    @Override
    public int hashCode() {
        return decoded().hashCode();
    }

    @Override
    public String toString() {
        return decoded().toString();
    }

    // Mutators: the immutable map's, so each throws as Map.copyOf's does (AbstractMap's would not always).

    @Override
    public Long put(String key, Long value) {
        return decoded().put(key, value);
    }

    @Override
    public Long remove(Object key) {
        return decoded().remove(key);
    }

    @Override
    public void putAll(Map<? extends String, ? extends Long> m) {
        decoded().putAll(m);
    }

    @Override
    public void clear() {
        decoded().clear();
    }

    @Override
    public void replaceAll(BiFunction<? super String, ? super Long, ? extends Long> function) {
        decoded().replaceAll(function);
    }

    @Override
    public Long putIfAbsent(String key, Long value) {
        return decoded().putIfAbsent(key, value);
    }

    @Override
    public boolean remove(Object key, Object value) {
        return decoded().remove(key, value);
    }

    @Override
    public boolean replace(String key, Long oldValue, Long newValue) {
        return decoded().replace(key, oldValue, newValue);
    }

    @Override
    public Long replace(String key, Long value) {
        return decoded().replace(key, value);
    }

    @Override
    public Long computeIfAbsent(String key, Function<? super String, ? extends Long> mappingFunction) {
        return decoded().computeIfAbsent(key, mappingFunction);
    }

    @Override
    public Long computeIfPresent(String key, BiFunction<? super String, ? super Long, ? extends Long> function) {
        return decoded().computeIfPresent(key, function);
    }

    @Override
    public Long compute(String key, BiFunction<? super String, ? super Long, ? extends Long> function) {
        return decoded().compute(key, function);
    }

    @Override
    public Long merge(String key, Long value, BiFunction<? super Long, ? super Long, ? extends Long> function) {
        return decoded().merge(key, value, function);
    }
}
