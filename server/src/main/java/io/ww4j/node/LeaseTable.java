package io.ww4j.node;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The {@code ww4j_dhcp_lease} table: which client MAC holds which dynamic address until when.
 * The DHCP server keeps the live set in memory and writes only what changed; each
 * {@link #write} is one transaction. Failures are {@link NodesConfException}s.
 */
public final class LeaseTable {
    /** One stored lease; {@code expires} is epoch milliseconds. */
    public record Row(String mac, String ip, long expires) {}

    private final JdbcConnectionPool pool;

    LeaseTable(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    /** Every stored lease, expired ones included (the caller decides). */
    public List<Row> load() {
        List<Row> out = new ArrayList<>();
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT mac, ip, expires FROM ww4j_dhcp_lease");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
        } catch (SQLException e) {
            throw new NodesConfException("reading DHCP leases failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** Deletes the leases of {@code removeMacs}, then adds or replaces {@code put} (by MAC), in one transaction. */
    public void write(Collection<Row> put, Collection<String> removeMacs) {
        if (put.isEmpty() && removeMacs.isEmpty()) {
            return;
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM ww4j_dhcp_lease WHERE mac = ?");
                    PreparedStatement merge = c.prepareStatement(
                            "MERGE INTO ww4j_dhcp_lease (mac, ip, expires) KEY (mac) VALUES (?, ?, ?)")) {
                for (String mac : removeMacs) {
                    del.setString(1, mac);
                    del.addBatch();
                }
                if (!removeMacs.isEmpty()) {
                    del.executeBatch();
                }
                for (Row r : put) {
                    merge.setString(1, r.mac());
                    merge.setString(2, r.ip());
                    merge.setLong(3, r.expires());
                    merge.addBatch();
                }
                if (!put.isEmpty()) {
                    merge.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new NodesConfException("writing DHCP leases failed: " + e.getMessage(), e);
        }
    }
}
