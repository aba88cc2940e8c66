package io.ww4j.dhcp;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/** Where dynamic leases survive a restart. Only bound leases are saved. */
public interface LeaseStore {
    List<Lease> load() throws IOException;

    /** Replaces the stored set with {@code leases}, atomically. */
    void save(Collection<Lease> leases) throws IOException;

    /** A store that keeps nothing (tests, benchmarks). */
    static LeaseStore none() {
        return new LeaseStore() {
            @Override
            public List<Lease> load() {
                return List.of();
            }

            @Override
            public void save(Collection<Lease> leases) {}
        };
    }
}
