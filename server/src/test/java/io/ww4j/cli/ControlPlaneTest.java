package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.daemon.CommandHandler;
import io.ww4j.daemon.ControlServer;
import io.ww4j.daemon.DaemonContext;
import io.ww4j.daemon.Warewulfd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wwctl through warewulfd's control socket versus in-process: same bytes, same exit codes. */
class ControlPlaneTest {
    @TempDir
    Path tmp;

    private static final List<String[]> SAME_IN_BOTH_MODES = List.of(
            new String[] {"version"},
            new String[] {"vers", "-v"},
            new String[] {},
            new String[] {"--help"},
            new String[] {"--frobnicate"},
            new String[] {"version", "-x"},
            new String[] {"bogus"},
            new String[] {"completion", "bash"},
            new String[] {"completion", "fish"});

    @Test
    void daemonAndInProcessPrintTheSame() throws Exception {
        try (Harness h = new Harness(tmp)) {
            List<Harness.Result> local = SAME_IN_BOTH_MODES.stream().map(h::inProcess).toList();
            h.startDaemon();
            for (int i = 0; i < SAME_IN_BOTH_MODES.size(); i++) {
                Harness.Result remote = h.viaDaemon(SAME_IN_BOTH_MODES.get(i));
                assertEquals(local.get(i), remote, "wwctl " + String.join(" ", SAME_IN_BOTH_MODES.get(i)));
            }
        }
    }

    @Test
    void errorsFollowUpstream() throws Exception {
        try (Harness h = new Harness(tmp)) {
            Harness.Result r = h.inProcess("--frobnicate");
            assertEquals(new Harness.Result(255, "", "ERROR: unknown flag: --frobnicate\n"), r);
            r = h.inProcess("bogus");
            assertEquals(new Harness.Result(255, "", "ERROR: unknown command \"bogus\" for \"wwctl\"\n"), r);
            r = h.inProcess("version", "-x");
            assertEquals(new Harness.Result(255, "", "ERROR: unknown shorthand flag: 'x' in -x\n"), r);
            r = h.inProcess("version");
            assertEquals(0, r.code());
            assertTrue(r.out().startsWith("wwctl version:\t "), r.out());
        }
    }

    @Test
    void socketIsPrivateAndRemovedOnStop() throws Exception {
        try (Harness h = new Harness(tmp)) {
            h.startDaemon();
            Path sock = h.conf().controlSocket();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            // A second daemon on the same tree refuses to steal the socket.
            Exception e = assertThrows(Exception.class, () -> Warewulfd.start(h.conf(),
                    List.of(new Warewulfd.Named("control socket", ControlServer::start))));
            assertTrue(e.getMessage().contains("already listening"), e.getMessage());
            h.stopDaemon();
            assertFalse(Files.exists(sock));
        }
    }

    @Test
    void staleSocketFallsBackToInProcess() throws Exception {
        try (Harness h = new Harness(tmp)) {
            Path sock = h.conf().controlSocket();
            // Leave a socket file behind with nobody listening (a crashed daemon).
            var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            ch.bind(java.net.UnixDomainSocketAddress.of(sock));
            ch.close();
            assertTrue(Files.exists(sock));
            var t = new Harness.Captured("");
            int code = Client.run(new String[] {"version"}, h.env(), t);
            assertEquals(0, code);
            assertTrue(t.result(code).out().startsWith("wwctl version:"));
            // And a daemon starting later replaces the stale file.
            h.startDaemon();
            assertEquals(0, h.viaDaemon("version").code());
        }
    }

    /** Prompts, stdin and the editor are served by the client; the command runs in the daemon. */
    @Test
    void interactivePartsRunOnTheClientSide() throws Exception {
        try (Harness h = new Harness(tmp)) {
            CommandHandler handler = (req, term, ctx) -> {
                try {
                    var out = term.stdout();
                    out.write(("cwd=" + req.cwd() + " args=" + req.argv() + " conf=" + req.env().get("WAREWULFCONF") + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                    boolean yes = term.confirm("Proceed?");
                    String in = new String(term.stdin().readAllBytes(), StandardCharsets.UTF_8);
                    String edited = term.edit("old text\n", "ww4NodeEdit*.yaml");
                    out.write(("answer=" + yes + " stdin=" + in + " edited=" + edited).getBytes(StandardCharsets.UTF_8));
                    term.stderr().write("warned\n".getBytes(StandardCharsets.UTF_8));
                    return 7;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            };
            try (DaemonContext ctx = new DaemonContext(h.conf(), true);
                 ControlServer s = ControlServer.start(ctx, handler, h.conf().controlSocket())) {
                var t = new Harness.Captured("piped input\n");
                t.answers.push(true);
                t.editor = text -> text.replace("old", "new");
                int code = Client.run(new String[] {"node", "edit", "n1"}, h.env(), t);
                Harness.Result r = t.result(code);
                assertEquals(7, r.code());
                assertEquals(List.of("Proceed?"), t.prompts);
                assertEquals("cwd=" + Path.of("").toAbsolutePath() + " args=[node, edit, n1] conf=" + h.confFile + "\n"
                        + "Proceed? [y/N]: answer=true stdin=piped input\n edited=new text\n", r.out());
                assertEquals("warned\n", r.err());
            }
        }
    }

    /** A real wwctl process (java -cp ... io.ww4j.cli.Wwctl) talking to the daemon. */
    @Test
    void separateProcessUsesTheDaemon() throws Exception {
        try (Harness h = new Harness(tmp)) {
            h.startDaemon();
            Harness.Result viaSocket = h.process("", "version");
            assertEquals(h.inProcess("version"), viaSocket);
            Harness.Result bad = h.process("", "--nope");
            assertEquals(new Harness.Result(255, "", "ERROR: unknown flag: --nope\n"), bad);
            // a write and a list through the socket (the client ends with Runtime.halt: all output must be there)
            assertEquals(0, h.process("", "node", "add", "p[1-3]").code());
            Harness.Result set = h.process("", "node", "set", "p2", "--comment", "from a process", "--yes");
            assertEquals(0, set.code(), set.all());
            assertTrue(set.out().contains("from a process"), set.out());
            Harness.Result list = h.process("", "node", "list", "-a", "p2");
            assertEquals(h.viaDaemon("node", "list", "-a", "p2"), list);
            assertTrue(list.out().contains("from a process"), list.out());
        }
    }

    /** A real wwctl process with no daemon: the in-process path (JDBC store, no Logback) prints the same. */
    @Test
    void separateProcessWithoutDaemonRunsInProcess() throws Exception {
        try (Harness h = new Harness(tmp)) {
            assertEquals(0, h.process("", "node", "add", "q[1-2]", "--ipaddr", "10.9.0.1").code());
            Harness.Result set = h.process("", "node", "set", "q1", "--comment", "offline", "--yes");
            assertEquals(0, set.code(), set.all());
            Harness.Result list = h.process("", "node", "list", "-a");
            assertEquals(h.inProcess("node", "list", "-a"), list);
            assertTrue(list.out().contains("offline"), list.out());
            assertTrue(list.out().contains("10.9.0.2"), list.out());
            assertEquals("", list.err());
        }
    }
}
