package io.ww4j.image;

import io.ww4j.config.WarewulfConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a command inside an image (datamodel-cli.md §5.5): {@code unshare --mount --pid --uts
 * --fork} starts a small shell script as PID 1 of new namespaces; it makes the mounts private,
 * lays an overlayfs over the rootfs when a bind destination is missing (so the image itself is
 * not modified), bind-mounts the {@code --bind} entries and warewulf.conf's {@code image mounts},
 * mounts /dev, /sys, /proc and /run, and execs {@code chroot ROOTFS COMMAND} with upstream's
 * environment. Everything mounted disappears with the namespace. {@code <image>/run} is the lock.
 */
public final class ImageExec {
    static final String PATH = "/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin:/usr/local/sbin";

    /** One bind mount: {@code src[:dest[:ro|copy]]}. */
    public record Bind(String source, String dest, boolean readonly, boolean copy) {
        public static Bind parse(String spec) throws ImageException {
            String[] p = spec.split(":", -1);
            if (p.length > 3 || p[0].isEmpty()) {
                throw new ImageException("bad --bind " + spec + ": expected src[:dest[:ro|copy]]");
            }
            String dest = p.length > 1 && !p[1].isEmpty() ? p[1] : p[0];
            String opt = p.length > 2 ? p[2] : "";
            if (!opt.isEmpty() && !opt.equals("ro") && !opt.equals("rw") && !opt.equals("copy")) {
                throw new ImageException("bad --bind option '" + opt + "' in " + spec + ": use ro or copy");
            }
            return new Bind(p[0], dest, opt.equals("ro"), opt.equals("copy"));
        }

        static Bind of(WarewulfConf.ImageMount m) {
            boolean ro = m.readonly || m.options.contains("ro");
            return new Bind(m.source, m.dest == null || m.dest.isEmpty() ? m.source : m.dest, ro, m.copy);
        }
    }

    // $1 = rootfs, $2 = run dir, $3 = readonly (0/1), $4 = image name; binds in WW4J_BINDS
    // (lines "src<TAB>dest<TAB>ro"), missing destinations in WW4J_MISSING (lines "d|f<TAB>dest").
    private static final String CHILD = """
            set -e
            root=$1; run=$2; ro=$3; name=$4; shift 4
            mount --make-rprivate /
            if [ -n "$WW4J_MISSING" ]; then
              mkdir -p "$run/lower" "$run/work"
              printf '%s\\n' "$WW4J_MISSING" | while IFS="$(printf '\\t')" read -r kind dest; do
                [ -n "$dest" ] || continue
                mkdir -p "$run/lower$(dirname "$dest")"
                if [ "$kind" = d ]; then mkdir -p "$run/lower$dest"; else : > "$run/lower$dest"; fi
              done
              mount -t overlay overlay -o "lowerdir=$run/lower,upperdir=$root,workdir=$run/work" "$root"
            else
              mount --bind "$root" "$root"
            fi
            [ "$ro" = 1 ] && mount -o remount,bind,ro "$root"
            if [ -n "$WW4J_BINDS" ]; then
              printf '%s\\n' "$WW4J_BINDS" | while IFS="$(printf '\\t')" read -r src dest bro; do
                [ -n "$src" ] || continue
                mount --bind "$src" "$root$dest"
                [ "$bro" = 1 ] && mount -o remount,bind,ro "$root$dest"
              done
            fi
            [ -d "$root/dev" ] && mount -t devtmpfs devtmpfs "$root/dev"
            [ -d "$root/sys" ] && mount -t sysfs sysfs "$root/sys"
            [ -d "$root/proc" ] && mount -t proc proc "$root/proc"
            [ -d "$root/run" ] && mount -t tmpfs tmpfs "$root/run"
            unset WW4J_BINDS WW4J_MISSING
            exec chroot "$root" "$@"
            """;

    private final ImageStore store;
    private final List<WarewulfConf.ImageMount> confMounts;

    public ImageExec(ImageStore store, List<WarewulfConf.ImageMount> confMounts) {
        this.store = store;
        this.confMounts = confMounts;
    }

    /** Where the child's output goes: the caller's own file descriptors, or streams to copy to. */
    public record Io(boolean inherit, OutputStream out, OutputStream err) {}

    /**
     * Runs {@code command} in {@code image}; returns its exit status. {@code env} is the caller's
     * environment ({@code TERM}, {@code WW_PS1}, {@code WW_HISTFILE} are taken from it).
     */
    public int run(String image, List<String> command, List<Bind> extraBinds, Map<String, String> env, Io io)
            throws IOException {
        store.requireExists(image);
        if (command.isEmpty()) {
            throw new ImageException("no command given");
        }
        Path rootfs = store.rootfs(image).toAbsolutePath();
        Path run = store.imageRoot(image).toAbsolutePath().resolve("run");
        try {
            Files.createDirectory(run);
        } catch (FileAlreadyExistsException e) {
            throw new ImageException("another image command may already be running (remove " + run + " if not)");
        }
        List<Path> copied = new ArrayList<>();
        Map<Path, byte[]> copiedContent = new LinkedHashMap<>();
        try {
            List<Bind> binds = new ArrayList<>(extraBinds);
            for (WarewulfConf.ImageMount m : confMounts) {
                if (m.source != null && !m.source.isEmpty()) {
                    binds.add(Bind.of(m));
                }
            }
            StringBuilder bindLines = new StringBuilder();
            StringBuilder missing = new StringBuilder();
            for (Bind b : binds) {
                Path src = Path.of(b.source());
                if (!Files.exists(src)) {
                    continue; // upstream skips sources that do not exist on this host
                }
                String dest;
                try {
                    dest = "/" + RootfsWriter.clean(b.dest().replaceFirst("^/+", ""));
                } catch (ImageException e) {
                    throw new ImageException("bad bind destination " + b.dest() + ": '..' is not allowed");
                }
                Path inImage = rootfs.resolve(dest.substring(1));
                if (b.copy()) {
                    if (!Files.exists(inImage, LinkOption.NOFOLLOW_LINKS) && Files.isRegularFile(src)) {
                        Files.createDirectories(inImage.getParent());
                        Files.copy(src, inImage, StandardCopyOption.COPY_ATTRIBUTES);
                        copied.add(inImage);
                        copiedContent.put(inImage, Files.readAllBytes(inImage));
                    }
                    continue;
                }
                if (!Files.exists(inImage, LinkOption.NOFOLLOW_LINKS)) {
                    missing.append(Files.isDirectory(src) ? 'd' : 'f').append('\t').append(dest).append('\n');
                }
                bindLines.append(src.toAbsolutePath()).append('\t').append(dest).append('\t')
                        .append(b.readonly() ? 1 : 0).append('\n');
            }
            List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--uts", "--fork",
                    "/bin/sh", "-c", CHILD, "ww4j-image-exec", rootfs.toString(), run.toString(),
                    Files.exists(store.imageRoot(image).resolve("readonly")) ? "1" : "0", image));
            cmd.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            Map<String, String> e = pb.environment();
            e.clear();
            e.put("PATH", PATH);
            e.put("HOME", "/root");
            if (env.get("TERM") != null) {
                e.put("TERM", env.get("TERM"));
            }
            String ps1 = env.get("WW_PS1");
            e.put("PS1", "[warewulf:" + image + "] " + (ps1 == null || ps1.isEmpty() ? "\\w\\$ " : ps1));
            String hist = env.get("WW_HISTFILE");
            e.put("HISTFILE", hist == null || hist.isEmpty() ? "/dev/null" : hist);
            e.put("WW_CONTAINER_SHELL", image);
            e.put("WW_IMAGE_SHELL", image);
            e.put("WW4J_BINDS", bindLines.toString());
            e.put("WW4J_MISSING", missing.toString());
            return start(pb, io);
        } finally {
            // as upstream documents: a copied file the command left unchanged is removed again
            for (Path p : copied) {
                try {
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                            && java.util.Arrays.equals(Files.readAllBytes(p), copiedContent.get(p))) {
                        Files.delete(p);
                    }
                } catch (IOException ignored) {
                    // left in place; harmless
                }
            }
            RootfsWriter.deleteRecursive(run);
        }
    }

    /** The exit script {@code /etc/warewulf/image_exit.sh} (or legacy {@code container_exit.sh}), or null. */
    public String exitScript(String image) {
        for (String s : new String[] {"/etc/warewulf/image_exit.sh", "/etc/warewulf/container_exit.sh"}) {
            if (Files.isRegularFile(store.rootfs(image).resolve(s.substring(1)))) {
                return s;
            }
        }
        return null;
    }

    /** The shell for {@code image shell}: $SHELL, else /bin/bash, else /bin/sh, whichever the image has. */
    public String shell(String image, String envShell) {
        Path root = store.rootfs(image);
        for (String s : new String[] {envShell, "/bin/bash", "/bin/sh"}) {
            if (s != null && s.startsWith("/") && Files.exists(root.resolve(s.substring(1)))) {
                return s;
            }
        }
        return "/bin/sh";
    }

    private static int start(ProcessBuilder pb, Io io) throws IOException {
        if (io.inherit()) {
            pb.inheritIO();
        }
        Process p = pb.start();
        List<Thread> pumps = new ArrayList<>();
        if (!io.inherit()) {
            pumps.add(pump(p.getInputStream(), io.out()));
            pumps.add(pump(p.getErrorStream(), io.err()));
            p.getOutputStream().close(); // no terminal: the command gets an empty stdin
        }
        try {
            int code = p.waitFor();
            for (Thread t : pumps) {
                t.join();
            }
            return code;
        } catch (InterruptedException ex) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    private static Thread pump(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            byte[] b = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(b)) >= 0) {
                    out.write(b, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the process or the reader went away
            }
        }, "image-exec-io");
        t.start();
        return t;
    }
}
