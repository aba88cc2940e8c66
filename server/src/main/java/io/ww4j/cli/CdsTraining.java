package io.ww4j.cli;

import io.ww4j.config.ConfigLoader;
import io.ww4j.config.WarewulfConf;
import io.ww4j.daemon.Terminal;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import io.ww4j.daemon.CommandRequest;
import io.ww4j.daemon.ControlProtocol;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The training run for wwctl's class-data archive (bin/wwctl runs it once when the archive is
 * missing): loads the classes of both client paths (forwarding, and the in-process command
 * tree with the database on a temporary directory), so later starts map them from the archive.
 */
final class CdsTraining {
    private CdsTraining() {}

    static int run() {
        try {
            ConfigLoader.parse(Path.of("warewulf.conf"), """
                    ipaddr: 10.0.0.1/24
                    warewulf:
                      port: 9873
                    dhcp:
                      enabled: false
                    paths:
                      localstatedir: /var/lib
                    """);
            Client.quickSocket(Path.of("/nonexistent/warewulf.conf"));
            byte[] req = ControlProtocol.encodeRequest(new CommandRequest(List.of("node", "list"), "/", Map.of("A", "b"), false));
            ControlProtocol.decodeRequest(req);
            ControlProtocol.read(new DataInputStream(new ByteArrayInputStream(new byte[] {'x', 0, 0, 0, 4, 0, 0, 0, 0})));
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.isOpen();
            }
            Wwctl.commandLine(null).getSubcommands();
            new Table("A", "B").row("x", "").render();
            inProcess();
        } catch (IOException | RuntimeException e) {
            return 1;
        }
        return 0;
    }

    /**
     * The in-process mode's classes (H2, the node model, the commands): a few commands against a
     * throw-away database, everything printed into the void.
     */
    private static void inProcess() throws IOException {
        Path dir = Files.createTempDirectory("ww4j-cds-");
        try {
            Path conf = dir.resolve("warewulf.conf");
            Files.writeString(conf, """
                    ipaddr: 10.0.0.1
                    netmask: 255.255.255.0
                    paths:
                      sysconfdir: %1$s/etc
                      localstatedir: %1$s/var
                      cachedir: %1$s/cache
                      datadir: %1$s/share
                    """.formatted(dir));
            WarewulfConf c = ConfigLoader.load(conf);
            Terminal nothing = new Terminal() {
                private final OutputStream sink = OutputStream.nullOutputStream();

                @Override
                public OutputStream stdout() {
                    return sink;
                }

                @Override
                public OutputStream stderr() {
                    return sink;
                }

                @Override
                public InputStream stdin() {
                    return InputStream.nullInputStream();
                }

                @Override
                public boolean confirm(String label) {
                    return false;
                }

                @Override
                public String edit(String text, String suffix) {
                    return text;
                }
            };
            for (List<String> argv : List.of(
                    List.of("profile", "add", "default", "--comment", "x"),
                    List.of("node", "add", "n[1-2]", "--ipaddr", "10.0.0.2", "--netmask", "255.255.255.0"),
                    List.of("node", "set", "n1", "--comment", "x", "--yes"),
                    List.of("node", "list", "-a"),
                    List.of("profile", "list"))) {
                InProcess.inProcess(new CommandRequest(argv, dir.toString(), Map.of(), false), c, nothing, false);
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
