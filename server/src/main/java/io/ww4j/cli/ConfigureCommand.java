package io.ww4j.cli;

import io.ww4j.archive.AtomicFile;
import io.ww4j.config.WarewulfConf;
import io.ww4j.dhcp.DhcpSettings;
import io.ww4j.dhcp.Ip4;
import io.ww4j.overlay.OverlayBuilder;
import io.ww4j.overlay.OverlayException;
import io.ww4j.template.RenderResult;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wwctl configure} (spec §2.7). warewulfd serves DHCP and TFTP itself, so {@code dhcp} and
 * {@code tftp} check the configuration and say what will be served instead of rendering a
 * dhcpd/dnsmasq configuration or copying iPXE binaries and restarting services. {@code nfs},
 * {@code hostfile}, {@code ssh} and {@code warewulfd} do what upstream does.
 */
@Command(name = "configure", description = "Manage system services",
        subcommands = {
                ConfigureCommand.Dhcp.class,
                ConfigureCommand.Tftp.class,
                ConfigureCommand.Nfs.class,
                ConfigureCommand.Ssh.class,
                ConfigureCommand.Hostfile.class,
                ConfigureCommand.Warewulfd.class,
                ConfigureCommand.Tls.class,
        })
final class ConfigureCommand extends WwCommand {
    @Option(names = {"-a", "--all"}, description = "Configure all services")
    boolean all;

    /** ww4j: where nfs and hostfile write (a chroot or image); below another root no service is restarted. */
    @Option(names = "--root", hidden = true, defaultValue = "/", paramLabel = "DIR")
    String root;

    @Override
    protected int run() throws Exception {
        Session s = session();
        if (!all) {
            Commands.usage(spec, s);
            return 0;
        }
        Path r = s.resolve(root);
        // Upstream's order; tls only when warewulf.tls is on.
        if (s.conf().warewulf.tls) {
            tls(s, false, null, null);
        }
        warewulfd(s, r);
        tftp(s);
        dhcp(s);
        nfs(s, r);
        ssh(s, s.conf().ssh.keyTypes);
        hostfile(s, r);
        return 0;
    }

    /** Base of the subcommands: the parent's hidden --root, also accepted after the subcommand. */
    abstract static class Sub extends WwCommand {
        @Option(names = "--root", hidden = true, paramLabel = "DIR")
        String root;

        Path root() {
            ConfigureCommand parent = (ConfigureCommand) spec.parent().userObject();
            return session().resolve(root != null ? root : parent.root);
        }
    }

    @Command(name = "dhcp", description = "Check the DHCP settings (DHCP is built into warewulfd)")
    static final class Dhcp extends Sub {
        @Override
        protected int run() {
            dhcp(session());
            return 0;
        }
    }

    @Command(name = "tftp", description = "Check the TFTP settings (TFTP is built into warewulfd)")
    static final class Tftp extends Sub {
        @Option(names = {"-s", "--show"}, description = "Show configuration (unused, as upstream)")
        boolean show;

        @Override
        protected int run() throws IOException {
            tftp(session());
            return 0;
        }
    }

    @Command(name = "nfs", description = "Write /etc/exports from the host overlay and restart the NFS server")
    static final class Nfs extends Sub {
        @Override
        protected int run() throws Exception {
            nfs(session(), root());
            return 0;
        }
    }

    @Command(name = "ssh", description = "Create the cluster's SSH host keys and the user's key")
    static final class Ssh extends Sub {
        @Option(names = {"-t", "--keytypes"}, split = ",", paramLabel = "TYPE",
                description = "SSH key types to create (default: warewulf.conf ssh.key types)")
        List<String> keyTypes;

        @Override
        protected int run() throws Exception {
            ssh(session(), keyTypes != null && !keyTypes.isEmpty() ? keyTypes : session().conf().ssh.keyTypes);
            return 0;
        }
    }

    @Command(name = "hostfile", description = "Write /etc/hosts from the host overlay")
    static final class Hostfile extends Sub {
        @Override
        protected int run() throws Exception {
            hostfile(session(), root());
            return 0;
        }
    }

    @Command(name = "warewulfd", description = "Restart and enable warewulfd (when it runs under systemd)")
    static final class Warewulfd extends Sub {
        @Override
        protected int run() throws Exception {
            warewulfd(session(), root());
            return 0;
        }
    }

    @Command(name = "tls", aliases = {"keys", "key", "cert", "crt"},
            description = "Create, import or export warewulfd's TLS key and certificate")
    static final class Tls extends Sub {
        @Option(names = {"-f", "--force"}, description = "Replace an existing key and certificate")
        boolean force;
        @Option(names = "--import", paramLabel = "DIR", description = "Take warewulf.key and warewulf.crt from DIR")
        String importDir;
        @Option(names = "--export", paramLabel = "DIR", description = "Copy warewulf.key and warewulf.crt to DIR")
        String exportDir;

        @Override
        protected int run() throws Exception {
            if (importDir != null && exportDir != null) {
                throw new CliException("--import and --export exclude each other");
            }
            Session s = session();
            tls(s, force, importDir == null ? null : s.resolve(importDir), exportDir == null ? null : s.resolve(exportDir));
            return 0;
        }
    }

    /**
     * {@code <sysconfdir>/warewulf/tls/warewulf.{key,crt}}: created with openssl (RSA 2048, PKCS#1
     * key, self-signed for this host, 10 years), imported from or exported to a directory. Key
     * 0600, certificate 0644, both placed atomically; an existing pair is kept unless forced.
     */
    static void tls(Session s, boolean force, Path importDir, Path exportDir) throws IOException, InterruptedException {
        Path dir = s.conf().sysconfDir().resolve("tls");
        Path key = dir.resolve("warewulf.key");
        Path crt = dir.resolve("warewulf.crt");
        if (exportDir != null) {
            if (!Files.isRegularFile(key) || !Files.isRegularFile(crt)) {
                throw new CliException("no TLS key and certificate in " + dir + " (create them with: wwctl configure tls)");
            }
            Files.createDirectories(exportDir);
            AtomicFile.write(exportDir.resolve("warewulf.key"), Files.readAllBytes(key), AtomicFile.RW_______);
            AtomicFile.write(exportDir.resolve("warewulf.crt"), Files.readAllBytes(crt), AtomicFile.RW_R_R);
            s.info("Exported %s and %s to %s", key.getFileName(), crt.getFileName(), exportDir);
            return;
        }
        if ((Files.exists(key) || Files.exists(crt)) && !force) {
            if (importDir == null) {
                s.info("tls: %s and %s exist (--force replaces them)", key, crt);
                return;
            }
            throw new CliException("TLS key or certificate exists in " + dir + " (--force replaces them)");
        }
        byte[] k;
        byte[] c;
        if (importDir != null) {
            try {
                k = Files.readAllBytes(importDir.resolve("warewulf.key"));
                c = Files.readAllBytes(importDir.resolve("warewulf.crt"));
            } catch (IOException e) {
                throw new CliException("cannot import from " + importDir + ": " + e.getMessage());
            }
            if (!new String(k, StandardCharsets.US_ASCII).contains("PRIVATE KEY-----")
                    || !new String(c, StandardCharsets.US_ASCII).contains("BEGIN CERTIFICATE-----")) {
                throw new CliException(importDir + ": warewulf.key and warewulf.crt must be PEM files (a private key and a certificate)");
            }
        } else {
            Path work = Files.createTempDirectory("ww4j-tls-");
            try {
                Path wk = work.resolve("k.pem");
                Path wc = work.resolve("c.pem");
                run(s, List.of("openssl", "genrsa", "-traditional", "-out", wk.toString(), "2048"), "openssl");
                run(s, List.of("openssl", "req", "-new", "-x509", "-key", wk.toString(), "-out", wc.toString(), "-days", "3650",
                        "-subj", "/CN=" + hostName(), "-addext", "subjectAltName=DNS:" + hostName()
                                + (s.conf().ipaddr.isBlank() ? "" : ",IP:" + s.conf().ipaddr.replaceFirst("/.*", ""))), "openssl");
                k = Files.readAllBytes(wk);
                c = Files.readAllBytes(wc);
            } finally {
                try (var walk = Files.walk(work)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        Files.createDirectories(dir);
        AtomicFile.write(key, k, AtomicFile.RW_______);
        AtomicFile.write(crt, c, AtomicFile.RW_R_R);
        s.info("%s %s and %s", importDir != null ? "Imported" : "Created", key, crt);
    }

    // ---- the steps ----

    static void dhcp(Session s) {
        WarewulfConf c = s.conf();
        DhcpSettings d;
        try {
            d = DhcpSettings.from(c);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage().startsWith("dhcp") ? e.getMessage() : "dhcp: " + e.getMessage());
        }
        if (d.mode() == DhcpSettings.Mode.OFF) {
            s.info("dhcp: disabled in warewulf.conf; warewulfd answers no DHCP requests (use your own DHCP server)");
            return;
        }
        if (d.mode() == DhcpSettings.Mode.SERVER) {
            if (d.serverIp() == null || d.netmask() == null) {
                throw new CliException("dhcp: ipaddr and netmask must be set in warewulf.conf to serve DHCP");
            }
            if (d.rangeStart() != null) {
                int server = Ip4.of(d.serverIp());
                int mask = Ip4.of(d.netmask());
                Inet4Address outside = d.rangeAddressOutside(server, mask);
                if (outside != null) {
                    throw new CliException("dhcp: range address " + outside.getHostAddress() + " is not in the network "
                            + Ip4.format(server & mask) + "/" + d.netmask().getHostAddress()
                            + " of ipaddr " + d.serverIp().getHostAddress());
                }
                if (Integer.compareUnsigned(server, Ip4.of(d.rangeStart())) >= 0
                        && Integer.compareUnsigned(server, Ip4.of(d.rangeEnd())) <= 0) {
                    s.warn("dhcp: the server's own address %s lies inside the dynamic range", d.serverIp().getHostAddress());
                }
            }
        }
        s.info("dhcp: built into warewulfd (mode %s): no dhcpd or dnsmasq configuration is written and no service restarted",
                d.mode().name().toLowerCase(java.util.Locale.ROOT));
        if (d.mode() == DhcpSettings.Mode.SERVER) {
            s.info("dhcp: server %s, netmask %s, %s, lease time %d s, port %d", d.serverIp().getHostAddress(),
                    d.netmask().getHostAddress(), d.rangeStart() == null ? "no dynamic range (known nodes only)"
                            : "dynamic range " + d.rangeStart().getHostAddress() + "-" + d.rangeEnd().getHostAddress(),
                    d.leaseTime(), d.port());
        }
        if (!d.interfaces().isEmpty()) {
            s.info("dhcp: interfaces %s", String.join(",", d.interfaces()));
        }
    }


    static void tftp(Session s) throws IOException {
        WarewulfConf c = s.conf();
        if (!c.tftp.enabled) {
            s.info("tftp: disabled in warewulf.conf; warewulfd serves no TFTP");
            return;
        }
        Path root = Path.of(c.tftp.tftproot);
        Files.createDirectories(root);
        s.info("tftp: built into warewulfd (port %d), serving %s and a virtual warewulf/ directory: nothing is copied",
                c.tftp.port, root);
        if (c.warewulf.grubboot) {
            s.info("tftp: warewulf.grubboot is set: warewulf/shim.efi and warewulf/grub.efi come from the host's shim and GRUB");
        }
        int missing = 0;
        for (var e : c.tftp.ipxe.entrySet()) {
            Path p = Path.of(e.getValue()).isAbsolute() ? Path.of(e.getValue()) : Path.of(c.paths.ipxesource).resolve(e.getValue());
            String served = "warewulf/" + p.getFileName();
            if (Files.isRegularFile(root.resolve(served))) {
                s.info("tftp: arch %s: %s (a real file under the root)", e.getKey(), served);
            } else if (Files.isRegularFile(p)) {
                s.info("tftp: arch %s: %s from %s", e.getKey(), served, p);
            } else {
                s.warn("tftp: arch %s: %s is missing (install iPXE or set paths.ipxesource)", e.getKey(), p);
                missing++;
            }
        }
        if (missing > 0) {
            s.warn("tftp: %d iPXE binar%s missing: those clients cannot boot", missing, missing == 1 ? "y is" : "ies are");
        }
    }

    static void nfs(Session s, Path root) throws IOException, InterruptedException {
        WarewulfConf c = s.conf();
        if (!c.nfs.enabled) {
            s.info("nfs: disabled in warewulf.conf; nothing to do");
            return;
        }
        writeHostFile(s, root, "etc/exports");
        if (isSystemRoot(root)) {
            restart(s, c.nfs.systemdName.isBlank() ? "nfs-server" : c.nfs.systemdName);
        }
    }

    static void hostfile(Session s, Path root) throws IOException {
        writeHostFile(s, root, "etc/hosts");
    }

    /** Renders {@code host:/<file>.ww} for the server itself and writes it below {@code root} (atomic; backup first if the template asks). */
    private static void writeHostFile(Session s, Path root, String file) throws IOException {
        OverlayBuilder.Shown shown;
        try {
            shown = OverlayBuilding.builder(s, OverlayBuilding.registry(s)).renderFile(hostName(), "host", file);
        } catch (OverlayException e) {
            throw new CliException(e.getMessage());
        }
        RenderResult r = shown.result();
        Path target = root.resolve(file);
        if (r.aborted()) {
            s.info("%s: the template chose not to write it", target);
            return;
        }
        Files.createDirectories(target.getParent());
        if (r.backup() && Files.isRegularFile(target)) {
            Path backup = target.resolveSibling(target.getFileName() + ".wwbackup");
            if (!Files.exists(backup)) {
                Files.copy(target, backup, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        AtomicFile.write(target, r.text().getBytes(StandardCharsets.UTF_8), AtomicFile.RW_R_R);
        s.info("Wrote %s", target);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    static void ssh(Session s, List<String> keyTypes) throws IOException, InterruptedException {
        if (keyTypes.isEmpty()) {
            throw new CliException("ssh: no key types (warewulf.conf ssh.key types is empty)");
        }
        if (isRoot()) {
            Path keys = s.conf().sysconfDir().resolve("keys");
            Files.createDirectories(keys);
            for (String type : keyTypes) {
                Path key = keys.resolve("ssh_host_" + type + "_key");
                if (Files.exists(key)) {
                    s.verbose("ssh: %s exists", key);
                    continue;
                }
                keygen(s, type, key, "");
                s.info("Created %s", key);
            }
        }
        String home = s.env("HOME");
        if (home == null || home.isBlank()) {
            s.warn("ssh: HOME is not set: no user key created");
            return;
        }
        Path ssh = Path.of(home, ".ssh");
        Files.createDirectories(ssh);
        Path key = ssh.resolve("id_" + keyTypes.get(0));
        if (!Files.exists(key)) {
            keygen(s, keyTypes.get(0), key, "");
            s.info("Created %s", key);
        }
        Path authorized = ssh.resolve("authorized_keys");
        if (!Files.exists(authorized)) {
            AtomicFile.write(authorized, Files.readAllBytes(key.resolveSibling(key.getFileName() + ".pub")), AtomicFile.RW_______);
            s.info("Created %s", authorized);
        }
    }

    private static void keygen(Session s, String type, Path key, String passphrase) throws IOException, InterruptedException {
        run(s, List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-f", key.toString()), "ssh-keygen");
    }

    static void warewulfd(Session s, Path root) throws IOException, InterruptedException {
        if (s.inDaemon()) {
            s.info("warewulfd: running (pid %d) and serving this command; restart it with your service manager "
                    + "(systemctl restart warewulfd) or reload it with kill -HUP", ProcessHandle.current().pid());
            return;
        }
        if (!isSystemRoot(root)) {
            s.info("warewulfd: not restarted (--root %s)", root);
            return;
        }
        String name = s.conf().warewulf.systemdName.isBlank() ? "warewulfd" : s.conf().warewulf.systemdName;
        restart(s, name);
    }

    private static boolean isSystemRoot(Path root) {
        return root.toAbsolutePath().normalize().equals(Path.of("/"));
    }

    /** As upstream: {@code systemctl restart NAME}, then {@code systemctl enable NAME}. */
    private static void restart(Session s, String unit) throws IOException, InterruptedException {
        run(s, List.of("systemctl", "restart", unit), "systemctl");
        run(s, List.of("systemctl", "enable", unit), "systemctl");
        s.info("Restarted and enabled %s", unit);
    }

    private static void run(Session s, List<String> cmd, String what) throws IOException, InterruptedException {
        s.verbose("running: %s", String.join(" ", cmd));
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new CliException("cannot run " + what + ": " + e.getMessage());
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new CliException(what + " did not finish: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new CliException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + ")" + (out.isEmpty() ? "" : ": " + out));
        }
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            // not Linux: assume not root
        }
        return false;
    }
}
