package io.ww4j.node;

import io.ww4j.config.WarewulfConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.h2.jdbcx.JdbcConnectionPool;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node database: H2 (file mode, under {@code <localstatedir>/warewulf/} unless
 * {@code database.url} says otherwise) through Hibernate, with versioned schema migrations
 * ({@link Migrations}). Each node and profile is a row holding its raw record as YAML; the
 * {@code ww4j_address} table carries the unique constraint on every MAC and IP a node holds.
 *
 * <p>Reads never touch the database: the whole state is loaded once at open and served from an
 * in-memory merged snapshot that every committed write replaces (see {@link InMemoryRegistry}).
 * Writes are serialised, checked, stored in one database transaction and only then published.
 * H2's file lock makes one process the only writer.
 */
public final class NodeStore extends InMemoryRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeStore.class);
    private static final int CHUNK = 1000;

    private final JdbcConnectionPool pool;
    private final SessionFactory sessions;
    private final String url;

    private NodeStore(NodesConf loaded, JdbcConnectionPool pool, SessionFactory sessions, String url) {
        super(loaded);
        this.pool = pool;
        this.sessions = sessions;
        this.url = url;
    }

    /** Opens (creating and migrating if needed) the database {@code conf} names. */
    public static NodeStore open(WarewulfConf conf) {
        return open(conf, true);
    }

    /**
     * Opens the database {@code conf} names; with {@code mapped == false} the rows are read
     * over plain JDBC and Hibernate is never booted (wwctl's in-process mode: one command, one
     * JVM, where the Hibernate boot is most of the cost). Same schema, migrations and writes.
     */
    public static NodeStore open(WarewulfConf conf, boolean mapped) {
        if (conf.database.url.isEmpty()) {
            try {
                Files.createDirectories(conf.stateDir());
            } catch (IOException e) {
                throw new NodesConfException("cannot create " + conf.stateDir() + ": " + e.getMessage(), e);
            }
        }
        return open(conf.databaseUrl(), mapped);
    }

    /** Opens the database at a JDBC URL (H2). */
    public static NodeStore open(String jdbcUrl) {
        return open(jdbcUrl, true);
    }

    /** Opens the database at a JDBC URL (H2); see {@link #open(WarewulfConf, boolean)} for {@code mapped}. */
    public static NodeStore open(String jdbcUrl, boolean mapped) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "sa", "");
        pool.setMaxConnections(4);
        SessionFactory sf = null;
        try {
            long t0 = System.nanoTime();
            try (Connection c = pool.getConnection()) {
                Migrations.migrate(c);
            }
            long t1 = System.nanoTime();
            NodesConf loaded;
            long t2;
            if (mapped) {
                sf = buildSessionFactory(pool);
                t2 = System.nanoTime();
                loaded = load(sf);
            } else {
                t2 = System.nanoTime();
                loaded = loadJdbc(pool);
            }
            long t3 = System.nanoTime();
            log.info("node database {}: {} nodes, {} profiles", jdbcUrl, loaded.nodes.size(), loaded.profiles.size());
            log.debug("opened in {} ms: h2+migrations {} ms, hibernate {} ms, load {} ms", (t3 - t0) / 1_000_000,
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
            return new NodeStore(loaded, pool, sf, jdbcUrl);
        } catch (SQLException | RuntimeException e) {
            if (sf != null) {
                sf.close();
            }
            pool.dispose();
            String msg = e instanceof SQLException ? e.getMessage() : e.toString();
            throw new NodesConfException("cannot open node database " + jdbcUrl + ": " + msg, e);
        }
    }

    /**
     * The daemon's start-up hook: opens the store and, when the database holds no nodes and no
     * profiles and {@code <sysconfdir>/warewulf/nodes.conf} exists, imports that file (logged).
     */
    public static NodeStore openForDaemon(WarewulfConf conf) {
        return openForDaemon(conf, true);
    }

    /** {@link #openForDaemon(WarewulfConf)}, with {@code mapped} as in {@link #open(WarewulfConf, boolean)}. */
    public static NodeStore openForDaemon(WarewulfConf conf, boolean mapped) {
        NodeStore store = open(conf, mapped);
        try {
            store.importIfEmpty(conf.nodesConf());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** First start: imports {@code nodesConf} into an empty database. Returns whether it did. */
    public boolean importIfEmpty(Path nodesConf) {
        if (!raw().nodes.isEmpty() || !raw().profiles.isEmpty() || !Files.isRegularFile(nodesConf)) {
            return false;
        }
        NodesConf c = NodesConfReader.read(nodesConf);
        c.warnings.forEach(w -> log.warn("{}", w));
        update(tx -> tx.replaceAll(c));
        log.info("empty node database: imported {} nodes and {} profiles from {}", c.nodes.size(), c.profiles.size(),
                nodesConf);
        return true;
    }

    public String url() {
        return url;
    }

    /** The dynamic DHCP leases kept beside the nodes (same database, same lifetime). */
    public LeaseTable leases() {
        return new LeaseTable(pool);
    }

    private static SessionFactory buildSessionFactory(JdbcConnectionPool pool) {
        Configuration cfg = new Configuration();
        cfg.addAnnotatedClass(NodeRow.class);
        cfg.addAnnotatedClass(ProfileRow.class);
        cfg.addAnnotatedClass(AddressRow.class);
        Properties p = new Properties();
        p.put("hibernate.connection.datasource", pool);
        // Without JDBC metadata access Hibernate learns the database from these two.
        p.put("jakarta.persistence.database-product-name", "H2");
        p.put("jakarta.persistence.database-major-version", "2");
        p.put("jakarta.persistence.database-minor-version", "5");
        p.put("jakarta.persistence.database-product-version", "2.5.252");
        // Boot without asking the database for metadata: faster, and the schema is ours (Migrations).
        p.put("hibernate.boot.allow_jdbc_metadata_access", "false");
        p.put("hibernate.hbm2ddl.auto", "none");
        p.put("hibernate.jdbc.batch_size", "500");
        p.put("hibernate.order_inserts", "true");
        p.put("hibernate.order_updates", "true");
        p.put("hibernate.generate_statistics", "false");
        p.put("hibernate.cache.use_second_level_cache", "false");
        p.put("hibernate.cache.use_query_cache", "false");
        // Start-up time: no XML mappings to parse, no proxy classes to generate (nothing is lazy).
        p.put("hibernate.xml_mapping_enabled", "false");
        p.put("hibernate.bytecode.provider", "none");
        p.put("hibernate.query.startup_check", "false");
        cfg.addProperties(p);
        return cfg.buildSessionFactory();
    }

    private static NodesConf load(SessionFactory sf) {
        NodesConf c = new NodesConf();
        sf.inStatelessSession(ss -> {
            for (ProfileRow r : ss.createSelectionQuery("from ProfileRow", ProfileRow.class).getResultList()) {
                c.profiles.put(r.id, NodesConfReader.parseProfile(r.body, r.id));
            }
            for (NodeRow r : ss.createSelectionQuery("from NodeRow", NodeRow.class).getResultList()) {
                c.nodes.put(r.id, NodesConfReader.parseNode(r.body, r.id));
            }
        });
        return c;
    }

    /** {@link #load} without Hibernate: the same rows over plain JDBC. */
    private static NodesConf loadJdbc(JdbcConnectionPool pool) throws SQLException {
        NodesConf c = new NodesConf();
        try (Connection conn = pool.getConnection(); Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id, body FROM ww4j_profile")) {
                while (rs.next()) {
                    c.profiles.put(rs.getString(1), NodesConfReader.parseProfile(rs.getString(2), rs.getString(1)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT id, body FROM ww4j_node")) {
                while (rs.next()) {
                    c.nodes.put(rs.getString(1), NodesConfReader.parseNode(rs.getString(2), rs.getString(1)));
                }
            }
        }
        return c;
    }

    /**
     * Stores a checked change in one JDBC transaction with batched prepared statements.
     * Hibernate maps and loads the rows; writes skip its session machinery because a Hibernate
     * stateless transaction cost ~20 ms against ~1 ms for the same statements on the pooled
     * connection (measured on this machine), and discovery and {@code node set} are on the
     * hot path.
     */
    @Override
    protected void persist(Change ch) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                write(c, ch);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new NodesConfException("node database write failed: " + e.getMessage(), e);
        }
    }

    private static void write(Connection c, Change ch) throws SQLException {
        {
            try (Statement st = c.createStatement();
                    PreparedStatement delProfile = c.prepareStatement("DELETE FROM ww4j_profile WHERE id = ?");
                    PreparedStatement putProfile = c.prepareStatement(
                            "MERGE INTO ww4j_profile (id, body) KEY (id) VALUES (?, ?)");
                    PreparedStatement delAddr = c.prepareStatement("DELETE FROM ww4j_address WHERE node_id = ?");
                    PreparedStatement delNode = c.prepareStatement("DELETE FROM ww4j_node WHERE id = ?");
                    PreparedStatement putNode = c.prepareStatement(ch.replaceAll()
                            ? "INSERT INTO ww4j_node (id, body) VALUES (?, ?)"
                            : "MERGE INTO ww4j_node (id, body) KEY (id) VALUES (?, ?)");
                    PreparedStatement putAddr = c.prepareStatement(
                            "INSERT INTO ww4j_address (addr, node_id, netdev) VALUES (?, ?, ?)")) {
                Batch profiles = new Batch(putProfile);
                Batch nodes = new Batch(putNode);
                if (ch.replaceAll()) {
                    st.execute("DELETE FROM ww4j_address");
                    st.execute("DELETE FROM ww4j_node");
                    st.execute("DELETE FROM ww4j_profile");
                    for (Map.Entry<String, Profile> e : ch.next().profiles.entrySet()) {
                        profiles.add(e.getKey(), NodesConfWriter.writeRecord(e.getValue()));
                    }
                    profiles.flush();
                    for (Map.Entry<String, Node> e : ch.next().nodes.entrySet()) {
                        nodes.add(e.getKey(), NodesConfWriter.writeRecord(e.getValue()));
                    }
                    nodes.flush();
                } else {
                    Batch delProfiles = new Batch(delProfile);
                    for (Map.Entry<String, Profile> e : ch.profiles().entrySet()) {
                        if (e.getValue() == null) {
                            delProfiles.add(e.getKey());
                        } else {
                            profiles.add(e.getKey(), NodesConfWriter.writeRecord(e.getValue()));
                        }
                    }
                    delProfiles.flush();
                    profiles.flush();
                    Batch delAddrs = new Batch(delAddr);
                    Batch delNodes = new Batch(delNode);
                    for (Map.Entry<String, Node> e : ch.nodes().entrySet()) {
                        if (!ch.addressesUnchanged().contains(e.getKey())) {
                            delAddrs.add(e.getKey());
                        }
                        if (e.getValue() == null) {
                            delNodes.add(e.getKey());
                        } else {
                            nodes.add(e.getKey(), NodesConfWriter.writeRecord(e.getValue()));
                        }
                    }
                    delAddrs.flush();
                    delNodes.flush();
                    nodes.flush();
                }
                Batch addrs = new Batch(putAddr);
                for (Map.Entry<String, Map<String, String>> e : ch.addresses().entrySet()) {
                    for (Map.Entry<String, String> a : e.getValue().entrySet()) {
                        addrs.add(a.getKey(), e.getKey(), a.getValue());
                    }
                }
                addrs.flush();
            }
        }
    }

    /** A prepared statement executed in batches of {@link #CHUNK}. */
    private static final class Batch {
        private final PreparedStatement ps;
        private int pending;

        Batch(PreparedStatement ps) {
            this.ps = ps;
        }

        void add(String... values) throws SQLException {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            ps.addBatch();
            if (++pending == CHUNK) {
                flush();
            }
        }

        void flush() throws SQLException {
            if (pending > 0) {
                ps.executeBatch();
                pending = 0;
            }
        }
    }

    // ---- nodes.conf exchange ----

    /**
     * Imports a parsed nodes.conf (or node map): replacing everything, or with {@code merge}
     * keeping what is there and adding/replacing the records the file holds. All or nothing.
     */
    public void importConf(NodesConf c, boolean merge) {
        update(tx -> {
            if (!merge && !c.nodeMapOnly) {
                tx.replaceAll(c);
                return;
            }
            if (!merge) {
                // a bare node map replaces the nodes and keeps the profiles
                NodesConf keep = new NodesConf();
                keep.profiles.putAll(tx.committed().profiles);
                keep.nodes.putAll(c.nodes);
                tx.replaceAll(keep);
                return;
            }
            c.profiles.values().forEach(tx::putProfile);
            c.nodes.values().forEach(tx::putNode);
        });
    }

    /** The whole database as an upstream-format nodes.conf (unmerged). */
    public String exportConf() {
        return NodesConfWriter.write(raw());
    }

    private boolean closed;

    /** Closes the database (idempotent). */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            if (sessions != null) {
                sessions.close();
            }
            pool.dispose();
        }
    }
}
