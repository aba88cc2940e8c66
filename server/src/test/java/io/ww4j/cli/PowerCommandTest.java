package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wwctl power}: the distribution's BMC templates rendered, and commands really run through /bin/sh. */
class PowerCommandTest {
    @TempDir
    Path tmp;

    private Harness harness() throws Exception {
        Harness h = new Harness(tmp);
        Path bmc = tmp.resolve("share/warewulf/bmc");
        Files.createDirectories(bmc);
        for (String t : List.of("ipmitool.tmpl", "nobmc.tmpl")) {
            Files.copy(Path.of("..", "bmc", t), bmc.resolve(t));
        }
        return h;
    }

    @Test
    void showRendersTheIpmitoolTemplate() throws Exception {
        try (Harness h = harness()) {
            assertEquals(0, h.inProcess("profile", "add", "default", "--ipmitemplate", "ipmitool.tmpl").code());
            assertEquals(0, h.inProcess("node", "add", "n01", "--ipmiaddr", "10.10.10.10", "--ipmiuser", "admin",
                    "--ipmipass", "admin").code());
            assertEquals(0, h.inProcess("node", "add", "n02", "--ipmiaddr", "192.168.1.100", "--ipmiuser", "root",
                    "--ipmipass", "calvin", "--ipmiinterface", "lanplus", "--ipmiescapechar", "~", "--ipmiport", "687").code());
            assertEquals(new Harness.Result(0,
                    "10.10.10.10: ipmitool -H 10.10.10.10 -U \"admin\" -P \"admin\" chassis power cycle\n", ""),
                    h.inProcess("power", "cycle", "--show", "n01"));
            assertEquals(new Harness.Result(0, "192.168.1.100: ipmitool -I lanplus -e \"~\" -p 687 -H 192.168.1.100"
                    + " -U \"root\" -P \"calvin\" chassis power status\n", ""), h.inProcess("power", "status", "-s", "n02"));
            Harness.Result on = h.inProcess("power", "on", "--show", "n0[1-2]");
            assertEquals(0, on.code(), on.all());
            assertTrue(on.out().contains("10.10.10.10: ipmitool -H 10.10.10.10 -U \"admin\" -P \"admin\" chassis power on\n"));
            assertTrue(on.out().contains("chassis power on\n192.168.1.100: ") || on.out().startsWith("192.168.1.100"), on.out());
            // nobmc.tmpl: status by ping
            assertEquals(0, h.inProcess("node", "set", "n01", "--ipmitemplate", "nobmc.tmpl", "--yes").code());
            assertEquals(new Harness.Result(0,
                    "10.10.10.10: ping -c 1 \"10.10.10.10\" > /dev/null 2>&1 && echo ON || echo OFF\n", ""),
                    h.inProcess("power", "status", "--show", "n01"));
        }
    }

    @Test
    void commandsRunWithBoundedFanoutAndFailuresAreReported() throws Exception {
        try (Harness h = harness()) {
            // A site template of our own: the "BMC" is the shell; node 5's command fails.
            Path t = tmp.resolve("echo.tmpl");
            Files.writeString(t, """
                    {{- if eq .Ipaddr "127.0.0.15" }}echo broken BMC; exit 3
                    {{- else }}echo {{ .Cmd }} for {{ .UserName }}@{{ .Ipaddr }}{{ end -}}
                    """);
            assertEquals(0, h.inProcess("node", "add", "m[1-6]", "--ipmiaddr", "127.0.0.11", "--ipmiuser", "op",
                    "--ipmitemplate", t.toString()).code());
            assertEquals(0, h.inProcess("node", "add", "plain").code());
            Harness.Result r = h.inProcess("power", "on", "--fanout", "2", "m[1-4]");
            assertEquals(0, r.code(), r.all());
            List<String> lines = Arrays.stream(r.out().split("\n")).sorted().toList();
            assertEquals(List.of("127.0.0.11: PowerOn for op@127.0.0.11", "127.0.0.12: PowerOn for op@127.0.0.12",
                    "127.0.0.13: PowerOn for op@127.0.0.13", "127.0.0.14: PowerOn for op@127.0.0.14"), lines);

            r = h.inProcess("power", "status", "m[1-6]", "plain");
            assertEquals(255, r.code(), r.all());
            assertEquals(5, r.out().lines().count(), r.all());
            assertTrue(r.out().contains("127.0.0.16: PowerStatus for op@127.0.0.16\n"), r.out());
            assertTrue(r.err().contains("ERROR: plain: No IPMI IP address\n"), r.err());
            assertTrue(r.err().contains("ERROR: 127.0.0.15: broken BMC\n"), r.err());
        }
    }

    @Test
    void sensorsPrefixEveryLineWithTheBmcAddress() throws Exception {
        try (Harness h = harness()) {
            assertEquals(0, h.inProcess("node", "add", "n01", "--ipmiaddr", "10.10.10.10", "--ipmiuser", "admin",
                    "--ipmipass", "admin", "--ipmitemplate", "ipmitool.tmpl").code());
            assertEquals(new Harness.Result(0,
                    "10.10.10.10: ipmitool -H 10.10.10.10 -U \"admin\" -P \"admin\" sdr list\n", ""),
                    h.inProcess("node", "sensors", "--show", "n01"));
            assertEquals(new Harness.Result(0,
                    "10.10.10.10: ipmitool -H 10.10.10.10 -U \"admin\" -P \"admin\" sensor list\n", ""),
                    h.inProcess("node", "sensors", "-F", "-s", "n01"));
            Path t = tmp.resolve("sensors.tmpl");
            Files.writeString(t, "printf 'Fan1 | 3000 RPM\\nTemp | 40 C\\n'; echo {{ .Cmd }}");
            assertEquals(0, h.inProcess("node", "set", "n01", "--ipmitemplate", t.toString(), "--yes").code());
            assertEquals(new Harness.Result(0, "10.10.10.10: Fan1 | 3000 RPM\n10.10.10.10: Temp | 40 C\n10.10.10.10: SDRList\n", ""),
                    h.inProcess("node", "sensors", "n01"));
        }
    }

    @Test
    void usageErrors() throws Exception {
        try (Harness h = harness()) {
            assertEquals(0, h.inProcess("node", "add", "n1").code());
            Harness.Result r = h.inProcess("power", "on");
            assertEquals(1, r.code(), r.all());
            r = h.inProcess("power", "on", "nothere");
            assertEquals(new Harness.Result(255, "", "ERROR: no nodes found\n"), r);
            r = h.inProcess("node", "set", "n1", "--ipmiaddr", "10.0.0.9", "--yes");
            assertEquals(0, r.code(), r.all());
            r = h.inProcess("power", "on", "n1");
            assertEquals(new Harness.Result(255, "", "ERROR: n1: no bmc template specified\n"), r);
        }
    }

    @Test
    void throughTheDaemonTheSame() throws Exception {
        try (Harness h = harness()) {
            Path t = tmp.resolve("echo.tmpl");
            Files.writeString(t, "echo {{ .Cmd }} {{ .Ipaddr }}");
            assertEquals(0, h.inProcess("node", "add", "d[1-3]", "--ipmiaddr", "127.0.0.31", "--ipmitemplate", t.toString()).code());
            h.startDaemon();
            Harness.Result r = h.viaDaemon("power", "soft", "d[1-3]");
            assertEquals(0, r.code(), r.all());
            assertEquals(List.of("127.0.0.31: PowerSoft 127.0.0.31", "127.0.0.32: PowerSoft 127.0.0.32",
                    "127.0.0.33: PowerSoft 127.0.0.33"), r.out().lines().sorted().toList());
        }
    }
}
