package io.ww4j.tftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps a requested file name onto what is served: a file under the TFTP root, or an entry of the
 * virtual {@code warewulf/} directory (iPXE binaries from {@code paths.ipxesource}, the host's
 * shim and GRUB, a static grub.cfg) that is served in place instead of being copied as upstream's
 * {@code wwctl configure tftp} does. A real file under the root wins over a virtual one, so an
 * existing upstream tftproot keeps serving what it has.
 *
 * <p>Nothing outside the root is ever served except the virtual entries: ".." is refused,
 * absolute names are taken relative to the root (DHCP hands out {@code /warewulf/...}), and the
 * real path (symlinks resolved) must stay under the real root.
 */
final class TftpRoot {
    /** Upstream's shim search (spec §1.6), rooted at the host's "/"; Debian's paths appended (ww4j). */
    private static final List<String> SHIM_DIRS = List.of("usr/share/efi/*", "usr/lib64/efi", "boot/efi/EFI/*", "usr/lib/shim");
    private static final List<String> SHIM_NAMES = List.of("shim.efi", "shim-sles.efi", "shimx64.efi", "shim-susesigned.efi",
            "shimx64.efi.signed");
    private static final List<String> GRUB_DIRS = List.of("usr/lib64/efi", "usr/share/grub2/*-efi", "usr/share/efi/*", "boot/efi/EFI/*",
            "usr/lib/grub/x86_64-efi-signed");
    private static final List<String> GRUB_NAMES = List.of("grub-tpm.efi", "grub.efi", "grubx64.efi", "grubia32.efi", "grubaa64.efi",
            "grubarm.efi", "grubx64.efi.signed");

    /** Outcome of a lookup: a file, in-memory content, or a TFTP error. */
    record Resolved(Path file, byte[] content, int errorCode, String error) {
        static Resolved error(int code, String why) {
            return new Resolved(null, null, code, why);
        }

        boolean ok() {
            return error == null;
        }
    }

    private final Path root;
    private final Path ipxeSource;
    private final Map<String, String> ipxe;
    private final Path hostRoot;
    private final byte[] grubCfg;

    /**
     * @param root       the TFTP root
     * @param ipxeSource where relative {@code tftp.ipxe} values live
     * @param ipxe       arch → iPXE binary ({@code tftp.ipxe})
     * @param hostRoot   where to search for shim/GRUB ("/" in production)
     * @param grubCfg    the static {@code warewulf/grub.cfg}
     */
    TftpRoot(Path root, Path ipxeSource, Map<String, String> ipxe, Path hostRoot, byte[] grubCfg) {
        this.root = root.toAbsolutePath().normalize();
        this.ipxeSource = ipxeSource;
        this.ipxe = Map.copyOf(ipxe);
        this.hostRoot = hostRoot;
        this.grubCfg = grubCfg.clone();
    }

    Resolved resolve(String requested) {
        for (int i = 0; i < requested.length(); i++) {
            char c = requested.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return Resolved.error(Packets.E_ACCESS, "unsupported character in file name");
            }
        }
        // Some firmware sends DOS separators; a leading "/" means "the root" (DHCP hands out /warewulf/...).
        List<String> parts = new ArrayList<>();
        for (String seg : requested.replace('\\', '/').split("/")) {
            if (seg.equals("..")) {
                return Resolved.error(Packets.E_ACCESS, "access outside the TFTP root refused");
            }
            if (!seg.isEmpty() && !seg.equals(".")) {
                parts.add(seg);
            }
        }
        if (parts.isEmpty()) {
            return Resolved.error(Packets.E_NOT_FOUND, "file not found");
        }
        String rel = String.join("/", parts);
        Path p = root.resolve(rel);
        if (Files.exists(p)) {
            try {
                Path real = p.toRealPath();
                if (!real.startsWith(root.toRealPath())) {
                    return Resolved.error(Packets.E_ACCESS, "access outside the TFTP root refused");
                }
                if (!Files.isRegularFile(real)) {
                    return Resolved.error(Packets.E_NOT_FOUND, "not a regular file");
                }
                if (!Files.isReadable(real)) {
                    return Resolved.error(Packets.E_ACCESS, "permission denied");
                }
                return new Resolved(real, null, 0, null);
            } catch (IOException e) {
                return Resolved.error(Packets.E_NOT_FOUND, "file not found");
            }
        }
        if (parts.size() == 2 && parts.get(0).equals("warewulf")) {
            Resolved v = virtual(parts.get(1));
            if (v != null) {
                return v;
            }
        }
        return Resolved.error(Packets.E_NOT_FOUND, "file not found");
    }

    /** The virtual warewulf/ entry of that name, or null. Looked up per request: packages may come and go. */
    private Resolved virtual(String name) {
        if (name.equals("grub.cfg")) {
            return new Resolved(null, grubCfg, 0, null);
        }
        for (String value : ipxe.values()) {
            Path bin = Path.of(value);
            if (bin.getFileName() != null && bin.getFileName().toString().equals(name)) {
                Path src = bin.isAbsolute() ? bin : ipxeSource.resolve(value);
                if (Files.isRegularFile(src) && Files.isReadable(src)) {
                    return new Resolved(src, null, 0, null);
                }
            }
        }
        if (name.equals("shim.efi")) {
            return found(search(SHIM_DIRS, SHIM_NAMES));
        }
        if (name.equals("grub.efi") || name.equals("grubx64.efi")) {
            return found(search(GRUB_DIRS, GRUB_NAMES));
        }
        return null;
    }

    private static Resolved found(Path p) {
        return p == null ? null : new Resolved(p, null, 0, null);
    }

    /** First existing file, directory-major, among the search dirs (a trailing "*" component is a glob). */
    private Path search(List<String> dirs, List<String> names) {
        for (String d : dirs) {
            for (Path dir : expand(d)) {
                for (String n : names) {
                    Path f = dir.resolve(n);
                    if (Files.isRegularFile(f) && Files.isReadable(f)) {
                        return f;
                    }
                }
            }
        }
        return null;
    }

    private List<Path> expand(String pattern) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return List.of(hostRoot.resolve(pattern));
        }
        int slash = pattern.lastIndexOf('/', star);
        Path parent = hostRoot.resolve(pattern.substring(0, slash));
        String glob = pattern.substring(slash + 1);
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(parent)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, glob)) {
                ds.forEach(out::add);
            } catch (IOException e) {
                return List.of();
            }
        }
        out.sort(null);
        return out;
    }

    /** The static warewulf/grub.cfg: hands GRUB over to the per-node config that warewulfd serves over HTTP. */
    static byte[] grubCfg(String ipaddr, int port) {
        String base = "(http," + ipaddr + ":" + port + ")";
        String text = """
                # Served by ww4j's TFTP server as warewulf/grub.cfg. GRUB cannot know the node yet:
                # read the asset tag and continue with the node's own configuration over HTTP.
                smbios --type 3 --get-string 8 --set assetkey
                set default=0
                set timeout=2
                menuentry "Node configuration from warewulfd" {
                    configfile %1$s/grub/${net_default_mac}?assetkey=${assetkey}
                }
                menuentry "Chainload shim from warewulfd" {
                    chainloader %1$s/efiboot/shim.efi?wwid=${net_default_mac}&assetkey=${assetkey}
                }
                """.formatted(base);
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
