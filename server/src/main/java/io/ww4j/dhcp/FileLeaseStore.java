package io.ww4j.dhcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Leases in a small text file ({@code <mac> <ip> <expires-epoch-ms>} per line), replaced
 * atomically on every save: temp file, fsync, rename. A line that does not parse is reported by
 * line number and skipped, so one bad line never loses the others.
 */
public final class FileLeaseStore implements LeaseStore {
    private final Path file;

    public FileLeaseStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    @Override
    public List<Lease> load() throws IOException {
        List<Lease> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+");
            try {
                if (f.length != 3) {
                    throw new IllegalArgumentException("expected 3 fields");
                }
                out.add(new Lease(f[0], Ip4.parse(f[1]), Long.parseLong(f[2]), true));
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(FileLeaseStore.class)
                        .warn("{}:{}: skipping bad lease line: {}", file, n, e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void save(Collection<Lease> leases) throws IOException {
        StringBuilder sb = new StringBuilder("# ww4j dynamic DHCP leases: mac ip expires-epoch-ms\n");
        for (Lease l : leases) {
            sb.append(l.mac()).append(' ').append(l.address()).append(' ').append(l.expires()).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".dhcp-leases", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
