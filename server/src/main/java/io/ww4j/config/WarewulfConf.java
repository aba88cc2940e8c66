package io.ww4j.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * warewulf.conf, as upstream Warewulf 4.7 reads it (spec/protocol.md §6), with upstream's code
 * defaults for every absent key. Plain data, like upstream's Go structs; {@link ConfigLoader}
 * fills it in. ww4j extensions live under keys of their own and are marked below.
 */
public final class WarewulfConf {
    public String comment = "";
    /** The server's address; {@code a.b.c.d/nn} is accepted and fills netmask and network. */
    public String ipaddr = "";
    public String netmask = "";
    public String network = "";
    public String fqdn = "";
    public String ipaddr6 = "";
    public String prefixlen6 = "";

    public final Warewulf warewulf = new Warewulf();
    public final Api api = new Api();
    public final Dhcp dhcp = new Dhcp();
    public final Tftp tftp = new Tftp();
    public final Nfs nfs = new Nfs();
    public final Ssh ssh = new Ssh();
    public List<ImageMount> imageMounts = new ArrayList<>(List.of(new ImageMount("/etc/resolv.conf", "/etc/resolv.conf")));
    public final WwClient wwclient = new WwClient();
    public final Paths paths = new Paths();
    /** ww4j extension: where node state lives. */
    public final Database database = new Database();

    /** The file this was read from, or null for built-in defaults. */
    public Path file;
    /** Problems that did not stop loading (unknown keys), each naming file and line. */
    public final List<String> warnings = new ArrayList<>();

    public static final class Warewulf {
        public int port = 9873;
        public int tlsPort = 9874;
        public boolean secure = true;
        /** Null means "same as secure". */
        public Boolean secureFiles;
        public boolean tls;
        public int updateInterval = 60;
        public boolean autobuildOverlays = true;
        public boolean hostOverlay = true;
        public boolean grubboot;
        public String systemdName = "";

        public boolean secureFiles() {
            return secureFiles == null ? secure : secureFiles;
        }
    }

    public static final class Api {
        public boolean enabled;
        public boolean tls;
        public List<String> allowedSubnets = new ArrayList<>(List.of("127.0.0.0/8", "::1/128"));
    }

    public static final class Dhcp {
        public boolean enabled = true;
        public String template = "default";
        public String rangeStart = "";
        public String rangeEnd = "";
        public String range6Start = "";
        public String range6End = "";
        public String systemdName = "dhcpd";
        /** ww4j extension: {@code server} (answer everything), {@code proxy} (boot info only), {@code off}. */
        public String mode = "server";
        /** ww4j extension: answer only on these interfaces; empty means all. */
        public List<String> interfaces = new ArrayList<>();
        /** ww4j extension: lease time in seconds for static and dynamic leases. */
        public int leaseTime = 3600;
        /** ww4j extension: UDP port to listen on (67 in production; tests use others). */
        public int port = 67;
    }

    public static final class Tftp {
        public boolean enabled = true;
        public String tftproot = "/var/lib/tftpboot";
        public String systemdName = "tftp";
        /** Client architecture (option 93, as written: {@code 00:0B}) to iPXE binary; a user map replaces this. */
        public Map<String, String> ipxe = defaultIpxe();
        /** ww4j extension: UDP port of the built-in TFTP server. */
        public int port = 69;
        /** ww4j extension: most transfers served at once; further requests are dropped (clients retry). */
        public int maxTransfers = 1000;

        static Map<String, String> defaultIpxe() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("00:00", "undionly.kpxe");
            m.put("00:07", "ipxe-snponly-x86_64.efi");
            m.put("00:09", "ipxe-snponly-x86_64.efi");
            m.put("00:0B", "arm64-efi/snponly.efi");
            return m;
        }
    }

    public static final class Nfs {
        public boolean enabled = true;
        public List<ExportPath> exportPaths = new ArrayList<>();
        public String systemdName = "nfsd";
    }

    public static final class ExportPath {
        public String path = "/dev/null";
        public String exportOptions = "rw,sync,no_subtree_check";
    }

    public static final class Ssh {
        public List<String> keyTypes = new ArrayList<>(List.of("ed25519", "ecdsa", "rsa"));
    }

    public static final class ImageMount {
        public String source = "";
        public String dest = "";
        public boolean readonly;
        public String options = "";
        public boolean copy;

        public ImageMount() {}

        ImageMount(String source, String dest) {
            this.source = source;
            this.dest = dest;
        }
    }

    public static final class WwClient {
        public int port;
    }

    public static final class Database {
        /** JDBC URL; empty means an H2 file under {@code <localstatedir>/warewulf/}. */
        public String url = "";
    }

    /** Build-time directories; RPM layout by default. Relative values are resolved against the config file's folder. */
    public static final class Paths {
        public String bindir = "/usr/bin";
        public String sysconfdir = "/etc";
        public String localstatedir = "/var/lib";
        public String cachedir = "/var/cache";
        public String ipxesource = "/usr/share/ipxe";
        public String srvdir = "/var/lib";
        public String firewallddir = "/usr/lib/firewalld/services";
        public String systemddir = "/usr/lib/systemd/system";
        public String datadir = "/usr/share";
        public String wwoverlaydir = "/var/lib/warewulf/overlays";
        public String wwchrootdir = "/var/lib/warewulf/chroots";
        public String wwprovisiondir = "/var/lib/warewulf/provision";
        public String wwclientdir = "/warewulf";
        public String wwfilesdir = "/var/lib/warewulf/files";
    }

    // ---- derived locations (spec/protocol.md §6) ----

    public Path sysconfDir() { return Path.of(paths.sysconfdir, "warewulf"); }
    public Path nodesConf() { return sysconfDir().resolve("nodes.conf"); }
    public Path authConf() { return sysconfDir().resolve("auth.conf"); }
    public Path ipxeTemplateDir() { return sysconfDir().resolve("ipxe"); }
    public Path stateDir() { return Path.of(paths.localstatedir, "warewulf"); }
    public Path distributionOverlayDir() { return Path.of(paths.datadir, "warewulf", "overlays"); }
    public Path siteOverlayDir() { return Path.of(paths.wwoverlaydir); }
    public Path overlayImageDir() { return Path.of(paths.wwprovisiondir, "overlays"); }
    public Path imageDir() { return Path.of(paths.wwprovisiondir, "images"); }
    public Path chrootDir() { return Path.of(paths.wwchrootdir); }
    public Path cacheDir() { return Path.of(paths.cachedir, "warewulf"); }
    /** The control socket wwctl talks to (ww4j). */
    public Path controlSocket() { return stateDir().resolve("warewulfd.sock"); }

    /** JDBC URL of the node database: {@code database.url} or an H2 file in the state dir. */
    public String databaseUrl() {
        if (!database.url.isEmpty()) {
            return database.url;
        }
        return "jdbc:h2:file:" + stateDir().toAbsolutePath().resolve("ww4j") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** Derives netmask/network from a CIDR ipaddr and prefixlen6 from a CIDR ipaddr6 (upstream does the same). */
    void deriveNetwork() {
        int slash = ipaddr.indexOf('/');
        if (slash > 0) {
            String addr = ipaddr.substring(0, slash);
            int bits = parsePrefix(ipaddr.substring(slash + 1), 32, "ipaddr");
            ipaddr = addr;
            long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
            if (netmask.isEmpty()) {
                netmask = dotted(mask);
            }
            if (network.isEmpty()) {
                network = dotted(toLong(ipv4(addr, "ipaddr")) & mask);
            }
        }
        int slash6 = ipaddr6.indexOf('/');
        if (slash6 > 0) {
            prefixlen6 = String.valueOf(parsePrefix(ipaddr6.substring(slash6 + 1), 128, "ipaddr6"));
            ipaddr6 = ipaddr6.substring(0, slash6);
        }
    }

    private static int parsePrefix(String s, int max, String key) {
        try {
            int bits = Integer.parseInt(s);
            if (bits < 0 || bits > max) {
                throw new NumberFormatException();
            }
            return bits;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": bad prefix length '/" + s + "'");
        }
    }

    static Inet4Address ipv4(String s, String key) {
        try {
            if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new UnknownHostException();
            }
            InetAddress a = InetAddress.getByName(s);
            if (a instanceof Inet4Address v4) {
                return v4;
            }
            throw new UnknownHostException();
        } catch (UnknownHostException e) {
            throw new ConfigException(key + ": not an IPv4 address: '" + s + "'");
        }
    }

    private static long toLong(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    private static String dotted(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }
}
