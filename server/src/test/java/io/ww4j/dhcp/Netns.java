package io.ww4j.dhcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace joined to the root namespace by a veth pair: the server side stays in the
 * root namespace (where the test JVM runs), clients run inside with {@code ip netns exec}.
 * {@link #close} removes both, even after a failed test.
 */
final class Netns implements AutoCloseable {
    final String name;
    final String hostIf;
    final String nsIf;
    final String prefix; // "10.213.N."
    final String hostIp;

    private Netns(String name, String hostIf, String nsIf, String prefix) {
        this.name = name;
        this.hostIf = hostIf;
        this.nsIf = nsIf;
        this.prefix = prefix;
        this.hostIp = prefix + "1";
    }

    /** A fresh namespace whose interface has {@code mac}; the host side gets {@code <prefix>1/24}. */
    static Netns create(String mac) throws IOException, InterruptedException {
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
        String prefix = "10.213." + ThreadLocalRandom.current().nextInt(10, 250) + ".";
        Netns n = new Netns("ww4jdhcp-" + id, "wwdh" + id, "wwdc" + id, prefix);
        try {
            sh("ip", "netns", "add", n.name);
            sh("ip", "link", "add", n.hostIf, "type", "veth", "peer", "name", n.nsIf, "netns", n.name);
            sh("ip", "addr", "add", n.hostIp + "/24", "dev", n.hostIf);
            sh("ip", "link", "set", n.hostIf, "up");
            sh("ip", "-n", n.name, "link", "set", n.nsIf, "address", mac);
            sh("ip", "-n", n.name, "link", "set", n.nsIf, "up");
            sh("ip", "-n", n.name, "link", "set", "lo", "up");
            return n;
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    /** Gives the namespace side an address (for relay-agent tests). */
    void addAddress(String cidr) throws IOException, InterruptedException {
        sh("ip", "-n", name, "addr", "add", cidr, "dev", nsIf);
    }

    /** Runs a command inside the namespace; returns exit code and combined output. */
    Result exec(int timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(cmd));
        return run(timeoutSeconds, full);
    }

    record Result(int code, String output) {}

    static Result run(int timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
        }
        reader.join(5000);
        return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Result r = run(30, List.of(cmd));
        if (r.code() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + r.code() + "): " + r.output());
        }
    }

    @Override
    public void close() {
        try {
            run(30, List.of("ip", "netns", "del", name));
            run(30, List.of("ip", "link", "del", hostIf)); // normally gone with the namespace
        } catch (IOException | InterruptedException e) {
            // best effort
        }
    }
}
