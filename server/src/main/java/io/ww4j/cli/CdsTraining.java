package io.ww4j.cli;

import io.ww4j.config.ConfigLoader;
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
 * missing): loads the classes of both client paths (forwarding and the in-process command
 * tree) without doing anything, so later starts map them from the archive.
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
            new CommandLine(new Wwctl(null)).getSubcommands();
            new Table("A", "B").row("x", "").render();
        } catch (IOException | RuntimeException e) {
            return 1;
        }
        return 0;
    }
}
