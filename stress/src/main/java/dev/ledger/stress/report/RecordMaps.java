package dev.ledger.stress.report;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Turns a record into an ordered map of its components for {@link Json}; histograms are left out. */
final class RecordMaps {

    private RecordMaps() {
    }

    static Map<String, Object> toMap(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(r);
                if (!(v instanceof Histogram)) {
                    m.put(c.getName(), v);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass(), e);
            }
        }
        if (r instanceof RunReport rr) {
            m.put("throughputPerSecond", rr.throughputPerSecond());
        }
        return m;
    }
}
