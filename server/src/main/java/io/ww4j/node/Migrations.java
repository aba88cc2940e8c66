package io.ww4j.node;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied in order over plain JDBC before Hibernate starts (which
 * then only maps, never creates). Append new steps at the end; never edit a released one.
 */
final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    /** Step i brings the schema from version i to i+1. */
    static final List<List<String>> STEPS = List.of(
            List.of(
                "CREATE TABLE ww4j_profile (id VARCHAR(255) PRIMARY KEY, body CHARACTER VARYING(1000000) NOT NULL)",
                "CREATE TABLE ww4j_node (id VARCHAR(255) PRIMARY KEY, body CHARACTER VARYING(1000000) NOT NULL)",
                "CREATE TABLE ww4j_address (addr VARCHAR(300) PRIMARY KEY, node_id VARCHAR(255) NOT NULL,"
                        + " netdev VARCHAR(255) NOT NULL,"
                        + " CONSTRAINT ww4j_address_node FOREIGN KEY (node_id) REFERENCES ww4j_node(id) ON DELETE CASCADE)",
                "CREATE INDEX ww4j_address_node_idx ON ww4j_address(node_id)"
            ),
            // 2: dynamic DHCP leases (LeaseTable), one row per client MAC
            List.of(
                "CREATE TABLE ww4j_dhcp_lease (mac VARCHAR(32) PRIMARY KEY, ip VARCHAR(15) NOT NULL,"
                        + " expires BIGINT NOT NULL)"
            ));

    private Migrations() {}

    static int latest() {
        return STEPS.size();
    }

    /** Brings the database to the latest version; returns the version found before. */
    static int migrate(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS ww4j_schema_version (version INT NOT NULL,"
                    + " applied TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            int current = 0;
            try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM ww4j_schema_version")) {
                if (rs.next()) {
                    current = rs.getInt(1);
                }
            }
            if (current > latest()) {
                throw new SQLException("node database schema version " + current + " is newer than this ww4j ("
                        + latest() + "); refusing to touch it");
            }
            for (int v = current; v < latest(); v++) {
                for (String sql : STEPS.get(v)) {
                    st.execute(sql);
                }
                st.execute("INSERT INTO ww4j_schema_version (version) VALUES (" + (v + 1) + ")");
                log.info("node database schema migrated to version {}", v + 1);
            }
            c.commit();
            return current;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
