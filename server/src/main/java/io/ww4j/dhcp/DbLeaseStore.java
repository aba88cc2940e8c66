package io.ww4j.dhcp;

import io.ww4j.node.LeaseTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dynamic leases in the node database ({@link LeaseTable}). */
public final class DbLeaseStore implements LeaseStore {
    private static final Logger log = LoggerFactory.getLogger(DbLeaseStore.class);
    private final LeaseTable table;

    public DbLeaseStore(LeaseTable table) {
        this.table = table;
    }

    @Override
    public List<Lease> load() {
        List<Lease> out = new ArrayList<>();
        for (LeaseTable.Row r : table.load()) {
            try {
                out.add(new Lease(r.mac(), Ip4.parse(r.ip()), r.expires(), true));
            } catch (RuntimeException e) {
                log.warn("skipping stored DHCP lease {} -> {}: {}", r.mac(), r.ip(), e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void update(Collection<Lease> put, Collection<String> removedMacs) {
        List<LeaseTable.Row> rows = new ArrayList<>(put.size());
        for (Lease l : put) {
            rows.add(new LeaseTable.Row(l.mac(), l.address(), l.expires()));
        }
        table.write(rows, removedMacs);
    }
}
