package io.ww4j.dhcp;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where dynamic leases survive a restart. Only bound leases are stored, keyed by MAC. Failures
 * are runtime exceptions; the pool logs them and keeps serving from memory.
 */
public interface LeaseStore {
    List<Lease> load();

    /** Deletes the leases of {@code removedMacs}, then adds or replaces {@code put}, as one change. */
    void update(Collection<Lease> put, Collection<String> removedMacs);

    /** A store that keeps nothing (benchmarks, tests that do not restart). */
    static LeaseStore none() {
        return new LeaseStore() {
            @Override
            public List<Lease> load() {
                return List.of();
            }

            @Override
            public void update(Collection<Lease> put, Collection<String> removedMacs) {}
        };
    }

    /** A store in memory that outlives the engines using it (tests of restarts). */
    static LeaseStore memory() {
        Map<String, Lease> m = new ConcurrentHashMap<>();
        return new LeaseStore() {
            @Override
            public List<Lease> load() {
                return List.copyOf(m.values());
            }

            @Override
            public void update(Collection<Lease> put, Collection<String> removedMacs) {
                removedMacs.forEach(m::remove);
                put.forEach(l -> m.put(l.mac(), l));
            }
        };
    }
}
