package io.ww4j.cli;

import io.ww4j.node.Node;
import io.ww4j.power.Bmc;
import io.ww4j.power.Fanout;
import io.ww4j.power.PowerException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wwctl power on|off|cycle|reset|soft|status} (spec §2.6, §6): each node's BMC template
 * rendered to a command line, run through {@code /bin/sh -c} with bounded fan-out; output lines
 * {@code <bmc-ip>: <output>} in completion order. Unlike upstream, a node without IPMI settings
 * or address is skipped with an error instead of crashing or running ipmitool without a host.
 */
@Command(name = "power", description = "Warewulf node power management",
        subcommands = {
                PowerCommand.On.class,
                PowerCommand.Off.class,
                PowerCommand.Cycle.class,
                PowerCommand.Reset.class,
                PowerCommand.Soft.class,
                PowerCommand.Status.class,
        })
final class PowerCommand extends WwCommand {
    @Override
    protected int run() {
        Commands.usage(spec, session());
        return 0;
    }

    abstract static class Action extends WwCommand {
        @Option(names = {"-s", "--show"}, description = "Show the command instead of running it")
        boolean show;
        @Option(names = "--fanout", defaultValue = "50", description = "How many commands run at once (default 50)")
        int fanout;
        @Parameters(arity = "0..*", paramLabel = "PATTERN")
        List<String> patterns = new ArrayList<>();

        abstract Bmc.Cmd cmd();

        int fanout() {
            return fanout;
        }

        @Override
        protected int run() throws InterruptedException {
            return power(session(), patterns, cmd(), show, fanout());
        }
    }

    @Command(name = "on", description = "Power on the given node(s)")
    static final class On extends Action {
        Bmc.Cmd cmd() {
            return Bmc.Cmd.PowerOn;
        }
    }

    @Command(name = "off", description = "Power off the given node(s)")
    static final class Off extends Action {
        Bmc.Cmd cmd() {
            return Bmc.Cmd.PowerOff;
        }
    }

    @Command(name = "cycle", description = "Power cycle the given node(s)")
    static final class Cycle extends Action {
        Bmc.Cmd cmd() {
            return Bmc.Cmd.PowerCycle;
        }
    }

    @Command(name = "reset", description = "Issue a hard reset to the given node(s)")
    static final class Reset extends Action {
        Bmc.Cmd cmd() {
            return Bmc.Cmd.PowerReset;
        }
    }

    @Command(name = "soft", description = "Gracefully shut down the given node(s)")
    static final class Soft extends Action {
        Bmc.Cmd cmd() {
            return Bmc.Cmd.PowerSoft;
        }
    }

    @Command(name = "status", description = "Show the power status of the given node(s)")
    static final class Status extends Action {
        Bmc.Cmd cmd() {
            return Bmc.Cmd.PowerStatus;
        }

        @Override
        int fanout() {
            return 50; // as upstream: status ignores --fanout
        }
    }

    /** How long one BMC command may run. */
    private static final Fanout.Duration TIMEOUT = new Fanout.Duration(2, TimeUnit.MINUTES);

    static int power(Session s, List<String> patterns, Bmc.Cmd cmd, boolean show, int fanout) throws InterruptedException {
        return run(s, patterns, cmd, show, fanout, false);
    }

    /**
     * Runs {@code cmd} on the BMCs of the nodes {@code patterns} match; {@code everyLine}
     * prefixes each output line with the BMC address (sensors), else the output as one piece.
     */
    static int run(Session s, List<String> patterns, Bmc.Cmd cmd, boolean show, int fanout, boolean everyLine)
            throws InterruptedException {
        if (patterns.isEmpty()) {
            // upstream exits 1 on this usage error
            throw new CliException("no nodes specified (a node name or pattern is required)", 1);
        }
        if (fanout < 1) {
            throw new CliException("--fanout must be at least 1", 1);
        }
        Map<String, Node> merged = new TreeMap<>();
        NodeDb.of(s).merged().forEach(n -> merged.put(n.id, n));
        List<String> ids = NodeCommand.match(patterns, merged, null);
        if (ids.isEmpty()) {
            throw new CliException("no nodes found");
        }
        Bmc bmc = new Bmc(Path.of(s.conf().paths.datadir, "warewulf", "bmc"));
        List<Fanout.Job> jobs = new ArrayList<>();
        int failed = 0;
        for (String id : ids) {
            Node n = merged.get(id);
            if (n.ipmi.isEmpty() || n.ipmi.ipaddr.isBlank()) {
                s.error("%s: No IPMI IP address", id);
                failed++;
                continue;
            }
            try {
                jobs.add(new Fanout.Job(n.ipmi.ipaddr, bmc.command(n.ipmi, cmd, show)));
            } catch (PowerException e) {
                s.error("%s: %s", id, e.getMessage());
                failed++;
            }
        }
        if (show) {
            jobs.forEach(j -> s.out().println(j.label() + ": " + j.command()));
            return failed == 0 ? 0 : 255;
        }
        AtomicInteger bad = new AtomicInteger(failed);
        Fanout.run(jobs, fanout, TIMEOUT, r -> {
            if (r.ok() && everyLine) {
                r.output().lines().forEach(l -> s.out().println(r.job().label() + ": " + l));
            } else if (r.ok()) {
                s.out().println(r.job().label() + ": " + r.output());
            } else {
                s.error("%s: %s", r.job().label(), r.output());
                bad.incrementAndGet();
            }
            s.out().flush();
        });
        return bad.get() == 0 ? 0 : 255;
    }
}
