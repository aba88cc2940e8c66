package io.ww4j.tftp;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the TFTP server alone, without warewulfd (benchmarks, debugging):
 * {@code java -cp 'lib/*' io.ww4j.tftp.StandaloneTftp ROOT [ADDRESS] [PORT]}.
 */
public final class StandaloneTftp {
    private StandaloneTftp() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !Files.isDirectory(Path.of(args[0]))) {
            System.err.println("usage: StandaloneTftp ROOT [ADDRESS] [PORT]");
            System.exit(2);
        }
        TftpServer.Settings s = new TftpServer.Settings();
        s.root = Path.of(args[0]);
        s.bindAddress = args.length > 1 ? InetAddress.getByName(args[1]) : null;
        s.port = args.length > 2 ? Integer.parseInt(args[2]) : 69;
        TftpServer server = new TftpServer(s, null, null);
        server.start();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        stop.await();
    }
}
