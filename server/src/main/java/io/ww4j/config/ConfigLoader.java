package io.ww4j.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Finds and reads warewulf.conf. The file is chosen by {@code --warewulfconf}, then the
 * {@code WAREWULFCONF} environment variable, then {@code /etc/warewulf/warewulf.conf}.
 */
public final class ConfigLoader {
    public static final String ENV = "WAREWULFCONF";
    public static final Path DEFAULT_FILE = Path.of("/etc/warewulf/warewulf.conf");

    private ConfigLoader() {}

    /** The file to read: the explicit option if given, else $WAREWULFCONF, else /etc/warewulf/warewulf.conf. */
    public static Path locate(String option, Map<String, String> env) {
        if (option != null && !option.isEmpty()) {
            return Path.of(option);
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return Path.of(fromEnv);
        }
        return DEFAULT_FILE;
    }

    /** Reads {@code file}; a missing file yields upstream's code defaults (as upstream does). */
    public static WarewulfConf load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            WarewulfConf conf = new WarewulfConf();
            conf.warnings.add(file + ": not found, using built-in defaults");
            return conf;
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        WarewulfConf conf = parse(file, text);
        resolveRelativePaths(conf, file.toAbsolutePath().getParent());
        return conf;
    }

    /** Parses YAML text; relative paths are left as written. */
    public static WarewulfConf parse(Path file, String text) {
        Node root = compose(file, text);
        WarewulfConf c = new WarewulfConf();
        c.file = file;
        YamlTree t = new YamlTree(file, root, "");
        t.string("WW_INTERNAL", v -> {});
        t.string("comment", v -> c.comment = v);
        t.string("ipaddr", v -> c.ipaddr = v);
        t.string("netmask", v -> c.netmask = v);
        t.string("network", v -> c.network = v);
        t.string("fqdn", v -> c.fqdn = v);
        t.string("ipaddr6", v -> c.ipaddr6 = v);
        t.string("prefixlen6", v -> c.prefixlen6 = v);
        t.section("warewulf").ifPresent(w -> {
            w.integer("port", v -> c.warewulf.port = v);
            w.integer("tls port", v -> c.warewulf.tlsPort = v);
            w.bool("secure", v -> c.warewulf.secure = v);
            w.bool("secure files", v -> c.warewulf.secureFiles = v);
            w.bool("tls", v -> c.warewulf.tls = v);
            w.integer("update interval", v -> c.warewulf.updateInterval = v);
            w.bool("autobuild overlays", v -> c.warewulf.autobuildOverlays = v);
            w.bool("host overlay", v -> c.warewulf.hostOverlay = v);
            w.bool("grubboot", v -> c.warewulf.grubboot = v);
            w.string("systemd name", v -> c.warewulf.systemdName = v);
            w.string("syslog", v -> {}); // legacy, ignored as upstream does
            w.string("datastore", v -> {}); // legacy
        });
        t.section("api").ifPresent(a -> {
            a.bool("enabled", v -> c.api.enabled = v);
            a.bool("tls", v -> c.api.tls = v);
            a.stringList("allowed subnets", v -> c.api.allowedSubnets = v);
        });
        t.section("dhcp").ifPresent(d -> {
            d.bool("enabled", v -> c.dhcp.enabled = v);
            d.string("template", v -> c.dhcp.template = v);
            d.string("range start", v -> c.dhcp.rangeStart = v);
            d.string("range end", v -> c.dhcp.rangeEnd = v);
            d.string("range6 start", v -> c.dhcp.range6Start = v);
            d.string("range6 end", v -> c.dhcp.range6End = v);
            d.string("systemd name", v -> c.dhcp.systemdName = v);
            d.string("mode", v -> c.dhcp.mode = v);
            d.stringList("interfaces", v -> c.dhcp.interfaces = v);
            d.integer("lease time", v -> c.dhcp.leaseTime = v);
            d.integer("port", v -> c.dhcp.port = v);
        });
        t.section("tftp").ifPresent(f -> {
            f.bool("enabled", v -> c.tftp.enabled = v);
            f.string("tftproot", v -> c.tftp.tftproot = v);
            f.string("systemd name", v -> c.tftp.systemdName = v);
            f.stringMap("ipxe", v -> c.tftp.ipxe = v);
            f.integer("port", v -> c.tftp.port = v);
            f.integer("max transfers", v -> c.tftp.maxTransfers = v);
        });
        t.section("nfs").ifPresent(n -> {
            n.bool("enabled", v -> c.nfs.enabled = v);
            n.string("systemd name", v -> c.nfs.systemdName = v);
            for (YamlTree e : n.sectionList("export paths")) {
                WarewulfConf.ExportPath p = new WarewulfConf.ExportPath();
                e.string("path", v -> p.path = v);
                e.string("export options", v -> p.exportOptions = v);
                e.string("mount options", v -> {}); // legacy
                e.bool("mount", v -> {}); // legacy
                c.nfs.exportPaths.add(p);
            }
        });
        t.section("ssh").ifPresent(s -> s.stringList("key types", v -> c.ssh.keyTypes = v));
        String mountsKey = t.has("image mounts") ? "image mounts" : "container mounts";
        if (t.has(mountsKey)) {
            c.imageMounts.clear();
            for (YamlTree m : t.sectionList(mountsKey)) {
                WarewulfConf.ImageMount im = new WarewulfConf.ImageMount();
                m.string("source", v -> im.source = v);
                m.string("dest", v -> im.dest = v);
                m.bool("readonly", v -> im.readonly = v);
                m.string("options", v -> im.options = v);
                m.bool("copy", v -> im.copy = v);
                c.imageMounts.add(im);
            }
        }
        t.section("wwclient").ifPresent(w -> w.integer("port", v -> c.wwclient.port = v));
        t.section("database").ifPresent(d -> d.string("url", v -> c.database.url = v));
        t.section("paths").ifPresent(p -> {
            WarewulfConf.Paths x = c.paths;
            p.string("bindir", v -> x.bindir = v);
            p.string("sysconfdir", v -> x.sysconfdir = v);
            p.string("localstatedir", v -> x.localstatedir = v);
            p.string("cachedir", v -> x.cachedir = v);
            p.string("ipxesource", v -> x.ipxesource = v);
            p.string("srvdir", v -> x.srvdir = v);
            p.string("firewallddir", v -> x.firewallddir = v);
            p.string("systemddir", v -> x.systemddir = v);
            p.string("datadir", v -> x.datadir = v);
            p.string("wwoverlaydir", v -> x.wwoverlaydir = v);
            p.string("wwchrootdir", v -> x.wwchrootdir = v);
            p.string("wwprovisiondir", v -> x.wwprovisiondir = v);
            p.string("wwclientdir", v -> x.wwclientdir = v);
            p.string("wwfilesdir", v -> x.wwfilesdir = v);
        });
        c.warnings.addAll(t.unknownKeys());
        try {
            c.deriveNetwork();
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
        return c;
    }

    private static Node compose(Path file, String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).build();
        try (Reader r = new java.io.StringReader(text)) {
            Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, r)));
            Optional<Node> node = composer.getSingleNode();
            return node.orElse(null);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            throw new ConfigException(file + ":" + line + ": YAML syntax error: " + e.getProblem(), e);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(file + ": YAML syntax error: " + e.getMessage(), e);
        }
    }

    /**
     * ww4j extension: a relative {@code paths:} value is relative to the folder holding
     * warewulf.conf, so an unpacked distribution tree runs where it lies, without root.
     */
    static void resolveRelativePaths(WarewulfConf c, Path base) {
        WarewulfConf.Paths p = c.paths;
        p.bindir = abs(base, p.bindir);
        p.sysconfdir = abs(base, p.sysconfdir);
        p.localstatedir = abs(base, p.localstatedir);
        p.cachedir = abs(base, p.cachedir);
        p.ipxesource = abs(base, p.ipxesource);
        p.srvdir = abs(base, p.srvdir);
        p.firewallddir = abs(base, p.firewallddir);
        p.systemddir = abs(base, p.systemddir);
        p.datadir = abs(base, p.datadir);
        p.wwoverlaydir = abs(base, p.wwoverlaydir);
        p.wwchrootdir = abs(base, p.wwchrootdir);
        p.wwprovisiondir = abs(base, p.wwprovisiondir);
        p.wwfilesdir = abs(base, p.wwfilesdir);
        c.tftp.tftproot = abs(base, c.tftp.tftproot);
        // wwclientdir is a path on the node, never resolved here.
    }

    private static String abs(Path base, String value) {
        if (value.isEmpty() || value.startsWith("/")) {
            return value;
        }
        return base.resolve(value).normalize().toString();
    }
}
