package io.ww4j.tftp;

import static io.ww4j.tftp.TftpFixture.ack;
import static io.ww4j.tftp.TftpFixture.opcode;
import static io.ww4j.tftp.TftpFixture.rrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server listening on every address answers each client from the address the client asked:
 * on loopback, 127.0.0.2 and 127.0.0.3 stand in for a provisioning host's second and third
 * interface. Without it the kernel would pick the source by route (127.0.0.1 here) and a PXE ROM
 * would ignore the DATA.
 */
class TftpMultiHomedTest {
    @TempDir
    Path tmp;

    @Test
    void repliesComeFromTheAddressTheRequestWentTo() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        TftpFixture.write(root.resolve("f3000"), 3000, 7);
        TftpServer.Settings s = new TftpServer.Settings();
        s.bindAddress = null; // every address, as warewulfd runs by default
        s.port = 0;
        s.root = root;
        s.ipxeSource = tmp;
        try (TftpServer server = new TftpServer(s, null, null)) {
            server.start();
            for (String asked : new String[] {"127.0.0.2", "127.0.0.3"}) {
                InetAddress to = InetAddress.getByName(asked);
                try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
                    byte[] req = rrq("f3000", "octet");
                    raw.socket.send(new DatagramPacket(req, req.length, to, server.port()));
                    ByteBuffer first = raw.receive(30_000);
                    assertNotNull(first, "no reply to a request sent to " + asked);
                    assertEquals(3, opcode(first));
                    assertEquals(to, raw.peer.getAddress(), "DATA must come from the address the RRQ went to");
                    raw.sendToPeer(ack(1));
                    assertNotNull(raw.receive(30_000));
                    assertEquals(to, raw.peer.getAddress());
                    raw.socket.send(new DatagramPacket(new byte[] {0, 5, 0, 0, 0}, 5, raw.peer));
                }
                // a real client, which checks where the replies come from
                TFTPClient c = new TFTPClient();
                c.setDefaultTimeout(java.time.Duration.ofSeconds(10));
                c.open(0, InetAddress.getLoopbackAddress());
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                try {
                    c.receiveFile("f3000", TFTP.BINARY_MODE, got, to, server.port());
                } finally {
                    c.close();
                }
                assertArrayEquals(Files.readAllBytes(root.resolve("f3000")), got.toByteArray(), "download via " + asked);
            }
        }
    }
}
