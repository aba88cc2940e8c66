package io.ww4j.cli;

import io.ww4j.image.ImageException;
import io.ww4j.image.ImageStore;
import io.ww4j.image.Kernels;
import io.ww4j.image.Sources;
import io.ww4j.node.Node;
import io.ww4j.node.NodeRegistry;
import io.ww4j.node.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wwctl image} (aliases {@code container}, {@code vnfs}): spec datamodel-cli.md §2.4 and §5. */
@Command(name = "image", aliases = {"container", "vnfs"}, description = "Operating system image management",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
                ImageCommand.Import.class,
                ImageCommand.ListCmd.class,
                ImageCommand.Build.class,
                ImageCommand.Delete.class,
                ImageCommand.Show.class,
                ImageCommand.Copy.class,
                ImageCommand.Rename.class,
                ImageCommand.KernelsCmd.class,
                ImageCommand.Exec.class,
                ImageCommand.Shell.class,
                ImageCommand.SyncUserCmd.class,
        })
public final class ImageCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(((Wwctl) spec.root().userObject()).session().out());
    }

    /** Shared helpers for the image subcommands. */
    abstract static class Base extends WwCommand {
        ImageStore store() {
            return new ImageStore(session().conf(), session().out());
        }

        /** Merged nodes of the node database (the daemon's, or opened in-process). */
        List<Node> nodes() {
            return NodeDb.store(session()).all();
        }

        List<Profile> rawUsers(String image) {
            NodeRegistry r = NodeDb.store(session());
            List<Profile> out = new ArrayList<>();
            r.raw().nodes.values().stream().filter(n -> image.equals(n.imageName)).forEach(out::add);
            r.raw().profiles.values().stream().filter(p -> image.equals(p.imageName)).forEach(out::add);
            return out;
        }

        long nodeCount(String image) {
            return nodes().stream().filter(n -> image.equals(n.imageName)).count();
        }

        /** §5.6: syncs (write) or reports; returns whether the image was already in sync. */
        boolean syncUser(String image, boolean write) throws IOException {
            ImageStore store = store();
            store.requireExists(image);
            io.ww4j.image.SyncUser.Plan plan = io.ww4j.image.SyncUser.plan(
                    Path.of(session().conf().paths.sysconfdir), store.rootfs(image));
            if (write) {
                io.ww4j.image.SyncUser.write(plan, store.rootfs(image));
                session().out().println("uid/gid synced for image " + image);
            } else if (plan.synced()) {
                session().out().println("uid/gid already synced");
            } else {
                session().out().println("uid/gid not synced: run `wwctl image syncuser --write=true " + image + "`");
            }
            return plan.synced();
        }

        static CliException fail(IOException e) {
            return new CliException(e.getMessage());
        }
    }

    @Command(name = "import", aliases = "pull", description = "Import an image into Warewulf")
    static final class Import extends Base {
        @Parameters(index = "0", paramLabel = "SOURCE")
        String source;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
        String name;

        @Option(names = {"-f", "--force"}, description = "Force overwrite of an existing image")
        boolean force;

        @Option(names = {"-u", "--update"}, description = "Update and overwrite an existing image")
        boolean update;

        @Option(names = {"-b", "--build"}, description = "Build image when after pulling")
        boolean build;

        @Option(names = "--syncuser", description = "Synchronize UIDs/GIDs from host to image")
        boolean syncuser;

        @Option(names = "--nohttps", description = "Ignore wrong TLS certificates, superseedes env WAREWULF_OCI_NOHTTPS")
        boolean nohttps;

        @Option(names = "--username", description = "Set username for the access to the registry, superseedes env WAREWULF_OCI_USERNAME")
        String username;

        @Option(names = {"--password", "--passwd"}, description = "Set password for the access to the registry, superseedes env WAREWULF_OCI_PASSWORD")
        String password;

        @Option(names = {"--platform", "--arch"}, description = "Set the architecture, superseedes env WAREWULF_OCI_PLATFORM")
        String platform;

        @Override
        protected int run() throws IOException {
            Session s = session();
            String src = source;
            if (!src.contains("://") && !src.startsWith("/")) {
                src = s.resolve(src).toString();
            }
            if (name == null || name.isEmpty()) {
                String base = source.replaceAll("/+$", "");
                base = base.substring(base.lastIndexOf('/') + 1);
                name = base.replaceAll("\\.(tar(\\.(gz|xz|zst|bz2))?|tgz|sif|oci)$", "");
                s.out().println("Setting image name: " + name);
            }
            String user = username != null ? username : s.env("WAREWULF_OCI_USERNAME");
            String pass = password != null ? password : s.env("WAREWULF_OCI_PASSWORD");
            if ((user == null) != (pass == null)) {
                throw new CliException("username and password must be given together");
            }
            boolean noHttps = nohttps || "true".equalsIgnoreCase(String.valueOf(s.env("WAREWULF_OCI_NOHTTPS")));
            String plat = platform != null ? platform : s.env("WAREWULF_OCI_PLATFORM");
            ImageStore store = store();
            try {
                store.importImage(Sources.open(src, new Sources.PullOptions(user, pass, noHttps, plat, s.conf().cacheDir())),
                        name, force || update);
                if (syncuser) {
                    syncUser(name, true);
                }
                if (build) {
                    store.build(name, true);
                }
            } catch (IOException e) {
                throw fail(e);
            }
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", description = "List imported images")
    static final class ListCmd extends Base {
        @Parameters(paramLabel = "IMAGE", arity = "0..*")
        List<String> images = new ArrayList<>();

        @Option(names = {"-l", "--long"}, description = "show all image information")
        boolean longFormat;

        @Option(names = {"-k", "--kernel"}, description = "show kernel version")
        boolean kernel;

        @Option(names = {"-s", "--size"}, description = "show size information")
        boolean size;

        @Option(names = {"-c", "--chroot"}, description = "show size of chroot")
        boolean chroot;

        @Option(names = "--compressed", description = "show size of compressed image")
        boolean compressed;

        @Override
        protected int run() throws IOException {
            ImageStore store = store();
            List<String> names = store.list();
            if (!images.isEmpty()) {
                names = names.stream().filter(images::contains).toList();
            }
            Table t;
            if (longFormat) {
                t = new Table("IMAGE NAME", "NODES", "KERNEL VERSION", "CREATION TIME", "MODIFICATION TIME", "SIZE");
            } else if (kernel) {
                t = new Table("IMAGE NAME", "NODES", "KERNEL VERSION");
            } else if (size || chroot || compressed) {
                t = new Table("IMAGE NAME", "NODES", "SIZE");
            } else {
                t = new Table("IMAGE NAME");
            }
            DateTimeFormatter rfc822 = DateTimeFormatter.ofPattern("dd MMM yy HH:mm zzz", Locale.US).withZone(ZoneId.systemDefault());
            for (String n : names) {
                long nodes = nodeCount(n);
                if (longFormat || kernel) {
                    Kernels.Kernel k = Kernels.defaultKernel(store.rootfs(n));
                    String kv = k == null ? "" : k.version();
                    if (longFormat) {
                        Path root = store.imageRoot(n);
                        var attrs = Files.readAttributes(root, java.nio.file.attribute.BasicFileAttributes.class);
                        t.row(n, nodes, kv, rfc822.format(attrs.creationTime().toInstant()),
                                rfc822.format(attrs.lastModifiedTime().toInstant()), bytes(imageSize(store, n)));
                    } else {
                        t.row(n, nodes, kv);
                    }
                } else if (size || chroot || compressed) {
                    long b = chroot ? store.chrootSize(n) : compressed ? fileSize(store.compressedFile(n)) : imageSize(store, n);
                    t.row(n, nodes, bytes(b));
                } else {
                    t.row(n);
                }
            }
            t.print(session().out());
            return 0;
        }

        private static long imageSize(ImageStore store, String n) throws IOException {
            return fileSize(store.imageFile(n));
        }

        private static long fileSize(Path p) throws IOException {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        }
    }

    /** go-humanize IBytes: "0 B", "1.5 MiB", "15 MiB". */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v < 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.0f", v)) + " " + units[u];
    }

    @Command(name = "build", description = "(Re)build a bootable image")
    static final class Build extends Base {
        @Parameters(paramLabel = "IMAGE", arity = "0..*")
        List<String> images = new ArrayList<>();

        @Option(names = {"-a", "--all"}, description = "(re)Build all images")
        boolean all;

        @Option(names = {"-f", "--force"}, description = "Force rebuild, even if it isn't necessary")
        boolean force;

        @Option(names = "--syncuser", description = "Synchronize UIDs/GIDs from host to image")
        boolean syncuser;

        @Override
        protected int run() throws IOException {
            ImageStore store = store();
            List<String> names = all ? store.list() : images;
            if (names.isEmpty()) {
                throw new CliException("no images specified; use --all to build all images");
            }
            try {
                for (String n : names) {
                    if (syncuser) {
                        syncUser(n, true);
                    }
                    store.build(n, force);
                }
            } catch (IOException e) {
                throw fail(e);
            }
            return 0;
        }
    }

    @Command(name = "delete", aliases = {"rm", "remove", "del"}, description = "Delete an imported image")
    static final class Delete extends Base {
        @Parameters(paramLabel = "IMAGE", arity = "1..*")
        List<String> images;

        @Option(names = {"-y", "--yes"}, description = "Set 'yes' to all questions asked")
        boolean yes;

        @Override
        protected int run() throws IOException {
            ImageStore store = store();
            for (String n : images) {
                store.requireExists(n);
                if (!rawUsers(n).isEmpty()) {
                    throw new CliException("image is in use by a node or profile: " + n);
                }
            }
            if (!yes && !session().confirm("Are you sure you want to delete image " + images)) {
                return 0;
            }
            try {
                for (String n : images) {
                    store.delete(n);
                    session().out().println("Image has been deleted: " + n);
                }
            } catch (IOException e) {
                throw fail(e);
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show root fs dir for image")
    static final class Show extends Base {
        @Parameters(paramLabel = "IMAGE", index = "0")
        String image;

        @Option(names = {"-a", "--all"}, description = "show all")
        boolean all;

        @Override
        protected int run() throws IOException {
            ImageStore store = store();
            try {
                store.requireExists(image);
            } catch (ImageException e) {
                throw fail(e);
            }
            if (!all) {
                session().out().println(store.rootfs(image));
                return 0;
            }
            Kernels.Kernel k = Kernels.defaultKernel(store.rootfs(image));
            List<String> nodes = nodes().stream().filter(n -> image.equals(n.imageName)).map(n -> n.id).toList();
            var out = session().out();
            out.println("Name: " + image);
            out.println("KernelVersion: " + (k == null ? "not found" : k.version()));
            out.println("Rootfs: " + store.rootfs(image));
            out.println("Nr nodes: " + nodes.size());
            out.println("Nodes: [" + String.join(" ", nodes) + "]");
            return 0;
        }
    }

    @Command(name = "copy", aliases = "cp", description = "Copy an existing image")
    static final class Copy extends Base {
        @Parameters(index = "0", paramLabel = "IMAGE")
        String image;

        @Parameters(index = "1", paramLabel = "NEW_NAME")
        String newName;

        @Option(names = {"-b", "--build"}, description = "Build image after copy")
        boolean build;

        @Override
        protected int run() {
            ImageStore store = store();
            try {
                store.copy(image, newName);
                session().out().println("Image " + image + " successfully duplicated as " + newName);
                if (build) {
                    store.build(newName, true);
                }
            } catch (IOException e) {
                throw fail(e);
            }
            return 0;
        }
    }

    @Command(name = "rename", aliases = "mv", description = "Rename an existing image")
    static final class Rename extends Base {
        @Parameters(index = "0", paramLabel = "IMAGE")
        String image;

        @Parameters(index = "1", paramLabel = "NEW_NAME")
        String newName;

        @Option(names = {"-b", "--build"}, description = "Build image after rename")
        boolean build;

        @Override
        protected int run() {
            ImageStore store = store();
            if (!rawUsers(image).isEmpty()) {
                // rewriting nodes' image name needs the node store's write API (issue nodedb)
                throw new CliException("image is in use by a node or profile; rename it there first: " + image);
            }
            try {
                store.rename(image, newName);
                session().out().println("Image " + image + " successfully renamed as " + newName);
                if (build) {
                    store.build(newName, true);
                }
            } catch (IOException e) {
                throw fail(e);
            }
            return 0;
        }
    }

    @Command(name = "kernels", aliases = "kernel", description = "List kernels found in images")
    static final class KernelsCmd extends Base {
        @Parameters(paramLabel = "IMAGE", arity = "0..*")
        List<String> images = new ArrayList<>();

        @Override
        protected int run() throws IOException {
            ImageStore store = store();
            List<String> names = images.isEmpty() ? store.list() : images;
            Table t = new Table("Image", "Kernel", "Version", "Default", "Nodes");
            List<Node> nodes = nodes();
            for (String n : names) {
                if (!store.exists(n)) {
                    continue;
                }
                for (Kernels.Kernel k : Kernels.find(store.rootfs(n))) {
                    long count = 0;
                    for (Node node : nodes) {
                        if (!n.equals(node.imageName)) {
                            continue;
                        }
                        String want = node.kernel == null ? "" : node.kernel.version;
                        Kernels.Kernel resolved = Kernels.forVersion(store.rootfs(n), want);
                        if (resolved != null && resolved.path().equals(k.path())) {
                            count++;
                        }
                    }
                    t.row(n, k.path(), k.version().isEmpty() ? "" : k.version(), k.isDefault(), count);
                }
            }
            t.print(session().out());
            return 0;
        }
    }

    /** Shared by exec and shell: run in the image, then the exit script and the rebuild (§5.5). */
    abstract static class InImage extends Base {
        @Option(names = {"-b", "--bind"}, paramLabel = "src[:dest[:ro|copy]]",
                description = "Bind a local path which must exist into the image")
        List<String> binds = new ArrayList<>();

        @Option(names = "--syncuser", description = "Synchronize UIDs/GIDs from host to image")
        boolean syncuser;

        @Option(names = "--build", arity = "0..1", fallbackValue = "true", defaultValue = "true",
                description = "(Re)build image automatically")
        boolean build = true;

        @Option(names = {"-n", "--node"}, paramLabel = "NODE", description = "Create a read only view of the image for the given node")
        String node;

        int runIn(String image, List<String> command) throws IOException {
            Session s = session();
            if (node != null) {
                throw new CliException("--node is not supported yet by ww4j");
            }
            ImageStore store = store();
            String before = syncuser ? userFilesStamp(store, image) : null;
            io.ww4j.image.ImageExec exec = new io.ww4j.image.ImageExec(store, s.conf().imageMounts);
            List<io.ww4j.image.ImageExec.Bind> bs = new ArrayList<>();
            Map<String, String> env = new HashMap<>();
            for (String n : new String[] {"TERM", "WW_PS1", "WW_HISTFILE", "SHELL"}) {
                if (s.env(n) != null) {
                    env.put(n, s.env(n));
                }
            }
            s.out().flush();
            int code;
            try {
                for (String b : binds) {
                    bs.add(io.ww4j.image.ImageExec.Bind.parse(b));
                }
                code = exec.run(image, command, bs, env, io());
                if (code == 0) {
                    String script = exec.exitScript(image);
                    if (script != null) {
                        code = exec.run(image, List.of("/bin/sh", script), bs, env, io());
                    }
                }
                if (code != 0) {
                    s.err().println("ERROR  : command returned an error (exit status " + code + "); image not rebuilt");
                    return code;
                }
                if (syncuser && !before.equals(userFilesStamp(store, image))) {
                    syncUser(image, false);
                }
                if (build) {
                    store.build(image, false);
                }
            } catch (IOException e) {
                throw fail(e);
            }
            return 0;
        }

        private static String userFilesStamp(ImageStore store, String image) {
            StringBuilder b = new StringBuilder();
            for (String f : new String[] {"etc/passwd", "etc/group"}) {
                try {
                    b.append(Files.getLastModifiedTime(store.rootfs(image).resolve(f))).append(' ');
                } catch (IOException e) {
                    b.append("- ");
                }
            }
            return b.toString();
        }

        /** The wwctl process's own terminal when we run there; else the session's streams. */
        private io.ww4j.image.ImageExec.Io io() {
            Session s = session();
            return new io.ww4j.image.ImageExec.Io(s.localTerminal(), s.out(), s.err());
        }
    }

    @Command(name = "exec", description = "Run a command inside of a Warewulf image")
    static final class Exec extends InImage {
        @Parameters(index = "0", paramLabel = "IMAGE")
        String image;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND")
        List<String> command = new ArrayList<>();

        /** Flags after the command belong to the command ("exec img ls -l"). */
        @picocli.CommandLine.Spec
        void parserSettings(picocli.CommandLine.Model.CommandSpec cs) {
            cs.parser().stopAtPositional(true);
        }

        @Override
        protected int run() throws IOException {
            return runIn(image, command);
        }
    }

    @Command(name = "shell", aliases = "chroot", description = "Run a interactive shell inside of a Warewulf image")
    static final class Shell extends InImage {
        @Parameters(index = "0", paramLabel = "IMAGE")
        String image;

        @Override
        protected int run() throws IOException {
            ImageStore store = store();
            try {
                store.requireExists(image);
            } catch (ImageException e) {
                throw fail(e);
            }
            String sh = new io.ww4j.image.ImageExec(store, List.of()).shell(image, session().env("SHELL"));
            session().out().println("Image build will be skipped if the shell ends with a non-zero exit code.");
            return runIn(image, List.of(sh));
        }
    }

    @Command(name = "syncuser", description = "Synchronize UIDs/GIDs from host to image")
    static final class SyncUserCmd extends Base {
        @Parameters(index = "0", paramLabel = "IMAGE")
        String image;

        @Option(names = "--write", arity = "0..1", fallbackValue = "true", defaultValue = "true",
                description = "Synchronize uis/gids and write files in image")
        boolean write = true;

        @Option(names = "--build", arity = "0..1", fallbackValue = "true", defaultValue = "false",
                description = "Build image after syncuser is complete")
        boolean build;

        @Override
        protected int run() {
            try {
                syncUser(image, write);
                if (build) {
                    store().build(image, true);
                } else if (write) {
                    session().out().println("Syncuser is completed. Rebuild image or add `--build` to build it now.");
                }
            } catch (IOException e) {
                throw fail(e);
            }
            return 0;
        }
    }
}
