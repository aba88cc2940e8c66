package io.ww4j.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's IPv4 neighbour table ({@code /proc/net/arp}), used to identify a client that gave
 * no MAC (spec §1.4 step 7). Read on every lookup: it changes as nodes boot.
 */
public final class ArpTable {
    private final Path file;

    public ArpTable(Path file) {
        this.file = file;
    }

    public static ArpTable system() {
        return new ArpTable(Path.of("/proc/net/arp"));
    }

    /** The lowercase MAC of the line whose IP equals {@code ip}, if any. */
    public Optional<String> lookup(String ip) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].equalsIgnoreCase(ip)) {
                String mac = f[3].toLowerCase();
                if (!mac.equals("00:00:00:00:00:00")) {
                    return Optional.of(mac);
                }
            }
        }
        return Optional.empty();
    }
}
