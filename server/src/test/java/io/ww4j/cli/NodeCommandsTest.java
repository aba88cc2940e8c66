package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden outputs of node/profile commands, written from spec/datamodel-cli.md §2.2-2.3. */
class NodeCommandsTest {
    @TempDir
    Path tmp;
    Harness h;

    @BeforeEach
    void cluster() throws Exception {
        h = new Harness(tmp);
        Files.writeString(h.root.resolve("etc/warewulf/nodes.conf"), """
                nodeprofiles:
                  default:
                    comment: the default
                    runtime overlay:
                    - rop1
                    system overlay:
                    - wwinit
                    kernel:
                      args:
                      - quiet
                    network devices:
                      default:
                        netmask: 255.255.255.0
                    tags:
                      role: compute
                  gpu:
                    image name: rocky-gpu
                nodes:
                  n01:
                    profiles:
                    - default
                    runtime overlay:
                    - nop1
                    - ~rop1
                    ipmi:
                      ipaddr: 10.1.0.1
                      username: admin
                    network devices:
                      default:
                        device: eth0
                        hwaddr: aa:bb:cc:00:00:01
                        ipaddr: 10.0.0.1
                        gateway: 10.0.0.254
                    tags:
                      role: login
                  n02:
                    profiles:
                    - default
                    - gpu
                    comment: second
                  n03: {}
                """);
    }

    private Harness.Result ok(String... args) {
        Harness.Result r = h.inProcess(args);
        assertEquals(0, r.code(), r.all());
        return r;
    }

    @Test
    void listDefault() {
        assertEquals("""
                NODE NAME  PROFILES     NETWORK
                ---------  --------     -------
                n01        default      default
                n02        default,gpu  default
                n03        --           --
                """, ok("node", "list").out());
        assertEquals("""
                NODE NAME  PROFILES  NETWORK
                ---------  --------  -------
                n01        default   default
                n03        --        --
                """, ok("node", "list", "n01,", "n03", "n99").out());
        assertEquals(ok("node", "list", "n0[1-3]").out(), ok("node", "ls").out());
    }

    @Test
    void listNet() {
        assertEquals("""
                NODE  NETWORK  HWADDR             IPADDR    GATEWAY     DEVICE
                ----  -------  ------             ------    -------     ------
                n01   default  aa:bb:cc:00:00:01  10.0.0.1  10.0.0.254  eth0
                n02   default  --                 <nil>     <nil>       --
                n03   --       --                 --        --          --
                """, ok("node", "list", "-n").out());
    }

    @Test
    void listIpmi() {
        assertEquals("""
                NODE  IPMI IPADDR  IPMI PORT  IPMI USERNAME  IPMI INTERFACE
                ----  -----------  ---------  -------------  --------------
                n01   10.1.0.1     --         admin          --
                n02   --           --         --             --
                """, ok("node", "list", "-i", "n0[1-2]").out());
    }

    @Test
    void listLong() {
        assertEquals("""
                NODE NAME  KERNEL VERSION  IMAGE      OVERLAYS (S/R)
                ---------  --------------  -----      --------------
                n01        --              --         wwinit/nop1
                n02        --              rocky-gpu  wwinit/rop1
                n03        --              --         /
                """, ok("node", "list", "-l").out());
    }

    @Test
    void listAllWithProvenance() {
        assertEquals("""
                NODE  FIELD                     PROFILE      VALUE
                ----  -----                     -------      -----
                n01   Profiles                  --           default
                n01   RuntimeOverlay            default,n01  rop1,nop1,~rop1
                n01   SystemOverlay             default      wwinit
                n01   Kernel.Args               default      quiet
                n01   Ipmi.UserName             --           admin
                n01   Ipmi.Ipaddr               --           10.1.0.1
                n01   NetDevs[default].Device   --           eth0
                n01   NetDevs[default].Hwaddr   --           aa:bb:cc:00:00:01
                n01   NetDevs[default].Ipaddr   --           10.0.0.1
                n01   NetDevs[default].Netmask  default      255.255.255.0
                n01   NetDevs[default].Gateway  --           10.0.0.254
                n01   Tags[role]                SUPERSEDED   login
                """, ok("node", "list", "-a", "n01").out());
        assertEquals("NODE  FIELD  PROFILE  VALUE\n----  -----  -------  -----\n", ok("node", "list", "-a", "n03").out());
    }

    @Test
    void listYamlAndJson() {
        assertEquals("""
                n02:
                    profiles:
                        - default
                        - gpu
                    comment: second
                    image name: rocky-gpu
                    runtime overlay:
                        - rop1
                    system overlay:
                        - wwinit
                    kernel:
                        args:
                            - quiet
                    network devices:
                        default:
                            netmask: 255.255.255.0
                    tags:
                        role: compute
                    primary network: default
                """, ok("node", "list", "-y", "n02").out());
        assertEquals("""
                {
                  "n03": {}
                }
                """, ok("node", "list", "-j", "n03").out());
        String json = ok("node", "list", "-j", "n01").out();
        assertTrue(json.startsWith("{\n  \"n01\": {\n    \"comment\"") || json.contains("\"image name\"") || json.contains("\"ipmi\": {"), json);
        assertTrue(json.contains("      \"profiles\": [\n        \"default\"\n      ]") || json.contains("\"profiles\": [\n      \"default\"\n    ]"), json);
    }

    @Test
    void setSummaryWithYes() throws Exception {
        Harness.Result r = ok("node", "set", "n0[1-2]", "--comment", "x", "-y");
        assertEquals("""
                Applying following changes:

                n01:
                  comment: <unset> → "x"

                n02:
                  comment: "second" → "x"
                """, r.out());
        r = ok("node", "set", "n0[1-3]", "--comment", "x", "--tagadd", "rack=r1", "-O", "wwinit,foo", "-y");
        assertEquals("""
                Applying following changes:

                n[01-02]:
                  system-overlays: <unset> → [wwinit, foo]
                  tags[rack]: <unset> → "r1"

                n03:
                  comment: <unset> → "x"
                  system-overlays: <unset> → [wwinit, foo]
                  tags[rack]: <unset> → "r1"
                """, r.out());
        assertEquals("Applying following changes:\n\nn01:\n  netdevs[default].ipaddr: \"10.0.0.1\" → \"10.0.0.9\"\n  ipmi.ipmiuser: \"admin\" → <unset>\n".lines().sorted().toList(),
                ok("node", "set", "n01", "--ipaddr", "10.0.0.9", "--ipmiuser", "UNDEF", "-y").out().lines().sorted().toList());
        assertEquals("No changes to apply.\n", ok("node", "set", "n01", "--comment", "x", "-y").out());
        assertTrue(h.db().contains("ipaddr: 10.0.0.9"));
    }

    @Test
    void setPromptsAndNoMeansNothingWritten() throws Exception {
        String before = h.db();
        var t = new Harness.Captured("");
        t.answers.push(false);
        Harness.Result r = h.inProcess(t, "node", "set", "n03", "--comment", "x");
        assertEquals(List.of("Apply these changes to 1 node(s)?"), t.prompts);
        assertEquals("n03:\n  comment: <unset> → \"x\"\n\nApply these changes to 1 node(s)? [y/N]: ", r.out());
        assertEquals(before, h.db());
        t = new Harness.Captured("");
        t.answers.push(true);
        h.inProcess(t, "node", "set", "n03", "--comment", "x");
        assertTrue(h.db().contains("comment: x"));
    }

    @Test
    void unsetSummary() {
        assertEquals("""
                Applying following changes:

                n01:
                  netdevs[default].ipaddr: "10.0.0.1" → <unset>
                  netdevs[default].gateway: "10.0.0.254" → <unset>
                  tags[role]: "login" → <unset>
                """, ok("node", "unset", "n01", "-I", "-G", "--tag", "role", "-y").out());
        // The profile's value becomes visible again.
        assertTrue(ok("node", "list", "-a", "n01").out().contains("n01   Tags[role]                default      compute"),
                ok("node", "list", "-a", "n01").out());
        Harness.Result r = h.inProcess("node", "unset", "n01");
        assertEquals(new Harness.Result(255, "", "ERROR: no fields specified to unset\n"), r);
    }

    @Test
    void addRangesIncrementAddressesAndApplyTags() throws Exception {
        Harness.Result r = ok("node", "add", "c[01-02,03]", "--ipaddr", "10.10.0.1", "--ipmiaddr", "10.20.0.254",
                "--tagadd", "rack=r7", "--netmask", "255.255.0.0");
        assertEquals("Added node: c01\nAdded node: c02\nAdded node: c03\n", r.out());
        assertEquals("""
                NODE  NETWORK  HWADDR  IPADDR     GATEWAY  DEVICE
                ----  -------  ------  ------     -------  ------
                c01   default  --      10.10.0.1  <nil>    --
                c02   default  --      10.10.0.2  <nil>    --
                c03   default  --      10.10.0.3  <nil>    --
                """, ok("node", "list", "-n", "c[01-03]").out());
        assertTrue(ok("node", "list", "-i", "c03").out().contains("c03   10.20.1.0"), ok("node", "list", "-i", "c03").out());
        String all = ok("node", "list", "-a", "c02").out();
        assertTrue(all.contains("c02   Profiles                  --          default"), all);
        assertTrue(all.contains("c02   Tags[rack]                --          r7"), all);
        assertTrue(all.contains("c02   Ipmi.Ipaddr               --          10.20.0.255"), all);
        // Duplicates: nothing is written.
        String before = h.db();
        assertEquals(new Harness.Result(255, "", "ERROR: failed to add node: nodename already exists: c02\n"),
                h.inProcess("node", "add", "c04", "c02"));
        assertEquals(before, h.db());
    }

    @Test
    void badInputChangesNothing() throws Exception {
        String before = h.db();
        assertEquals(new Harness.Result(255, "", "ERROR: unknown flag: --colour\n"),
                h.inProcess("node", "set", "n01", "--colour", "red"));
        assertEquals(new Harness.Result(255, "", "WARN   : No match for node: n99\nERROR: No match for node: n99\n"),
                h.inProcess("node", "set", "n99", "--comment", "x", "-y"));
        assertEquals(new Harness.Result(255, "",
                        "ERROR: invalid argument \"10.0.0.300\" for \"--ipaddr\" flag: invalid IP address: 10.0.0.300\n"),
                h.inProcess("node", "set", "n01", "--ipaddr", "10.0.0.300", "-y"));
        assertEquals(new Harness.Result(255, "",
                        "ERROR: invalid argument \"zz:bb\" for \"-H, --hwaddr\" flag: not a MAC address\n"),
                h.inProcess("node", "set", "n01", "--hwaddr", "zz:bb", "-y"));
        assertEquals(new Harness.Result(255, "",
                        "ERROR: invalid argument \"255.0.255.0\" for \"--netmask\" flag: invalid netmask: 255.0.255.0\n"),
                h.inProcess("node", "add", "n09", "--netmask", "255.0.255.0"));
        assertEquals(new Harness.Result(255, "", "ERROR: profile does not exist: nosuch\n"),
                h.inProcess("node", "set", "n01", "--profile", "default,nosuch", "-y"));
        assertEquals(new Harness.Result(255, "", "ERROR: profile does not exist: nosuch\n"),
                h.inProcess("profile", "set", "nosuch", "--comment", "x", "-y"));
        assertEquals(new Harness.Result(255, "", "ERROR: no nodes specified; use --all to modify all nodes\n"),
                h.inProcess("node", "set", "--comment", "x"));
        assertEquals(before, h.db());
    }

    @Test
    void deleteNodes() throws Exception {
        Harness.Result r = h.inProcess("node", "delete", "n03", "n77", "-y");
        assertEquals(new Harness.Result(0, "", "ERROR: No match for node: n77\n"), r);
        assertEquals(new Harness.Result(0, "No nodes found\n", "ERROR: No match for node: n77\n"),
                h.inProcess("node", "delete", "n77", "-y"));
        var t = new Harness.Captured("");
        h.inProcess(t, "node", "delete", "n0[1-2]");
        assertEquals(List.of("Are you sure you want to delete 2 nodes(s)"), t.prompts);
        assertEquals(List.of("n01", "n02"), ok("node", "list").out().lines().skip(2).map(l -> l.split(" ")[0]).toList());
    }

    @Test
    void profiles() throws Exception {
        assertEquals("""
                PROFILE NAME  COMMENT/DESCRIPTION
                ------------  -------------------
                default       the default
                gpu           --
                """, ok("profile", "list").out());
        assertEquals("""
                PROFILE  FIELD           VALUE
                -------  -----           -----
                gpu      Profiles        --
                gpu      Comment         --
                gpu      ClusterName     --
                gpu      ImageName       rocky-gpu
                gpu      Ipxe            --
                gpu      RuntimeOverlay  --
                gpu      SystemOverlay   --
                gpu      Init            --
                gpu      Root            --
                gpu      PrimaryNetDev   --
                """, ok("profile", "list", "-a", "gpu").out());
        assertEquals("gpu: {}\n".length() > 0 ? "gpu:\n    image name: rocky-gpu\n" : "", ok("profile", "list", "-y", "gpu").out());
        // In use: refused with the list of users, nothing changed.
        assertEquals(new Harness.Result(255, "", "ERROR: profile gpu is still used by: n02\n"),
                h.inProcess("profile", "delete", "gpu", "-y"));
        assertEquals(new Harness.Result(255, "", "ERROR: refusing to delete the default profile\n"),
                h.inProcess("profile", "delete", "default", "-y"));
        ok("profile", "add", "spare", "--tagadd", "a=b", "--comment", "c");
        assertTrue(ok("profile", "list", "-a", "spare").out().contains("spare    Tags[a]         b"),
                ok("profile", "list", "-a", "spare").out());
        assertEquals("""
                Applying following changes:

                spare:
                  comment: "c" → "d"
                """, ok("profile", "set", "spare", "--comment", "d", "-y").out());
        ok("profile", "delete", "spare", "-y");
        assertEquals(List.of("default", "gpu"), ok("profile", "list").out().lines().skip(2).map(l -> l.split(" ")[0]).toList());
    }

    @Test
    void exportImportRoundTrip() throws Exception {
        String exported = ok("node", "export", "n02").out();
        assertTrue(exported.startsWith("n02:\n  profiles:\n  - default\n  - gpu\n"), exported);
        Files.writeString(h.root.resolve("in.yaml"), "n10:\n  comment: imported\n");
        var t = new Harness.Captured("");
        t.answers.push(true);
        Harness.Result r = h.inProcess(t, "node", "import", "in.yaml");
        assertEquals(0, r.code(), r.all());
        assertEquals(List.of("Are you sure you want to modify 1 nodes"), t.prompts);
        assertTrue(ok("node", "list", "n10").out().contains("n10"));
    }

    @Test
    void editNodes() throws Exception {
        String before = h.db();
        // saved unchanged: nothing asked, nothing written
        var t = new Harness.Captured("");
        List<String> seen = new java.util.ArrayList<>();
        t.editor = text -> {
            seen.add(text);
            return text;
        };
        assertEquals(0, h.inProcess(t, "node", "edit", "n0[2-3]").code());
        assertTrue(seen.get(0).startsWith("#nodename:\n#  discoverable: bool\n"), seen.get(0));
        assertTrue(seen.get(0).endsWith("\nn02:\n  profiles:\n  - default\n  - gpu\n  comment: second\nn03: {}\n"), seen.get(0));
        assertEquals(List.of(), t.prompts);

        // update one, delete one, add one; the prompt counts them
        t = new Harness.Captured("");
        t.answers.push(true);
        t.editor = text -> text.replace("comment: second", "comment: edited").replace("n03: {}\n", "n04:\n  comment: new\n");
        Harness.Result r = h.inProcess(t, "node", "edit", "--noheader", "n02", "n03");
        assertEquals(0, r.code(), r.all());
        assertEquals(List.of("Are you sure you want to add 1, delete 1, and update 1 nodes"), t.prompts);
        assertEquals("""
                NODE NAME  PROFILES     NETWORK
                ---------  --------     -------
                n01        default      default
                n02        default,gpu  default
                n04        --           --
                """, ok("node", "list").out());
        assertTrue(ok("node", "list", "-a", "n02").out().contains("n02   Comment                   --       edited"),
                ok("node", "list", "-a", "n02").out());

        // a YAML error and a taken MAC: reported, retry offered; "no" leaves everything as it was
        before = h.db();
        for (String bad : List.of("n02:\n  comment: [oops\n", "n02:\n  network devices:\n    default:\n      hwaddr: aa:bb:cc:00:00:01\n",
                "n02:\n  profiles:\n  - nosuch\n")) {
            t = new Harness.Captured("");
            t.editor = text -> bad;
            r = h.inProcess(t, "node", "edit", "n02");
            assertEquals(255, r.code(), r.all());
            assertEquals(List.of("Parse error: retry"), t.prompts, r.all());
            assertTrue(r.err().startsWith("ERROR: "), r.all());
            assertEquals(before, h.db());
        }
        t = new Harness.Captured("");
        t.editor = text -> "n02:\n  comment: [oops\n";
        String err = h.inProcess(t, "node", "edit", "n02").err();
        assertTrue(err.matches("(?s)ERROR: edited nodes:\\d+: YAML syntax error.*"), err);

        // retry: the second session starts from the broken text and fixes it
        t = new Harness.Captured("");
        t.answers.add(true);
        t.answers.add(true);
        List<String> sessions = new java.util.ArrayList<>();
        t.editor = text -> {
            sessions.add(text);
            return sessions.size() == 1 ? "n02:\n  comment: [oops\n" : "n02:\n  comment: fixed\n";
        };
        r = h.inProcess(t, "node", "edit", "n02");
        assertEquals(0, r.code(), r.all());
        assertEquals("n02:\n  comment: [oops\n", sessions.get(1));
        assertEquals(List.of("Parse error: retry", "Are you sure you want to add 0, delete 0, and update 1 nodes"), t.prompts);
        assertTrue(h.db().contains("  n02:\n    comment: fixed\n"), h.db());

        // declining the prompt writes nothing
        before = h.db();
        t = new Harness.Captured("");
        t.editor = text -> text + "n09: {}\n";
        assertEquals(0, h.inProcess(t, "node", "edit", "n02").code());
        assertEquals(before, h.db());
    }

    @Test
    void editProfiles() throws Exception {
        String before = h.db();
        var t = new Harness.Captured("");
        t.editor = text -> text.replace("gpu:\n  image name: rocky-gpu\n", "");
        Harness.Result r = h.inProcess(t, "profile", "edit", "--noheader");
        assertEquals(255, r.code(), r.all());
        assertEquals("ERROR: profile gpu is still used by: n02\n", r.err());
        assertEquals(before, h.db());

        t = new Harness.Captured("");
        t.answers.push(true);
        List<String> seen = new java.util.ArrayList<>();
        t.editor = text -> {
            seen.add(text);
            return text.replace("rocky-gpu", "rocky-gpu2");
        };
        r = h.inProcess(t, "profile", "edit", "gpu");
        assertEquals(0, r.code(), r.all());
        assertEquals(List.of("Are you sure you want to add 0, delete 0, and update 1 profiles"), t.prompts);
        assertTrue(seen.get(0).startsWith("#profilename:\n#  profiles: [string]\n"), seen.get(0));
        assertTrue(ok("profile", "list", "-a", "gpu").out().contains("rocky-gpu2"));
    }

    /** Through the daemon the editor still runs on the client side, and the change lands in the daemon's store. */
    @Test
    void editThroughTheDaemon() throws Exception {
        h.db(); // first in-process open imports the fixture
        h.startDaemon();
        var t = new Harness.Captured("");
        t.answers.push(true);
        t.editor = text -> text.replace("n03: {}", "n03:\n  comment: via daemon");
        Harness.Result r = h.viaDaemon(t, "node", "edit", "n03");
        assertEquals(0, r.code(), r.all());
        assertTrue(h.viaDaemon("node", "list", "-a", "n03").out().contains("via daemon"));
    }

    /** --watch redraws until the user goes away (a failing write), showing live events each time. */
    @Test
    void statusWatchRedrawsUntilTheClientIsGone() throws Exception {
        h.db(); // import the fixture
        var daemon = h.startDaemon();
        var ctx = daemon.context();
        ctx.status().record(new io.ww4j.status.BootEvent("n01", "aa:bb:cc:00:00:01", "10.0.0.1:1000",
                io.ww4j.status.BootEvent.Protocol.HTTP, "KERNEL", "kernel", 1, true, "", java.time.Instant.now()));
        var screen = new java.io.ByteArrayOutputStream();
        var frames = new java.util.concurrent.atomic.AtomicInteger();
        var term = new io.ww4j.daemon.Terminal() {
            @Override
            public java.io.OutputStream stderr() {
                return java.io.OutputStream.nullOutputStream();
            }

            @Override
            public java.io.InputStream stdin() {
                return java.io.InputStream.nullInputStream();
            }

            @Override
            public boolean confirm(String label) {
                return false;
            }

            @Override
            public String edit(String text, String suffix) {
                return text;
            }

            @Override
            public java.io.OutputStream stdout() {
                return new java.io.OutputStream() {
                    @Override
                    public void write(int b) throws java.io.IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws java.io.IOException {
                        String chunk = new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8);
                        if (chunk.contains("\033[H\033[2J") && frames.incrementAndGet() > 3) {
                            throw new java.io.IOException("client went away");
                        }
                        screen.write(b, off, len);
                    }
                };
            }
        };
        var session = new Session(term, ctx, h.root, h.env(), false);
        int code = Commands.execute(List.of("node", "status", "--watch", "-U", "20", "n0[1-2]"), session);
        assertEquals(0, code);
        String shown = screen.toString(java.nio.charset.StandardCharsets.UTF_8);
        String[] drawn = shown.split("\033\\[H\033\\[2J", -1);
        assertEquals(4, drawn.length, shown); // "" before the first of 3 frames
        for (int i = 1; i < 4; i++) {
            assertTrue(drawn[i].startsWith("NODENAME             STAGE                SENT                      LASTSEEN (s)\n"), drawn[i]);
            assertTrue(drawn[i].contains("\nn01                  KERNEL               kernel                    "), drawn[i]);
            assertTrue(drawn[i].contains("\nn02                  --                   --                        --"), drawn[i]);
        }
    }

    @Test
    void diskPartitionAndFilesystemFlags() throws Exception {
        Harness.Result r = ok("node", "set", "n03", "--diskname", "/dev/vda", "--diskwipe", "--partname", "scratch",
                "--partnumber", "1", "--partsize", "1024", "--partcreate", "--fsname", "scratch", "--fsformat", "ext4",
                "--fspath", "/scratch", "-y");
        assertEquals("""
                Applying following changes:

                n03:
                  disks[/dev/vda].diskwipe: <unset> → "true"
                  disks[/dev/vda].partitions[scratch].partnumber: <unset> → "1"
                  disks[/dev/vda].partitions[scratch].partsize: <unset> → "1024"
                  disks[/dev/vda].partitions[scratch].partcreate: <unset> → "true"
                  filesystems[/dev/disk/by-partlabel/scratch].fsformat: <unset> → "ext4"
                  filesystems[/dev/disk/by-partlabel/scratch].fspath: <unset> → "/scratch"
                """, r.out());
        String db = h.db();
        for (String want : List.of("    disks:\n      /dev/vda:\n        wipe_table: true\n        partitions:\n          scratch:\n",
                "should_exist: true", "    filesystems:\n      /dev/disk/by-partlabel/scratch:\n        format: ext4\n        path: /scratch\n")) {
            assertTrue(db.contains(want), want + " in\n" + db);
        }
        // --diskname alone with a disk flag works (upstream dropped it silently)
        ok("node", "set", "n01", "--diskname", "/dev/sdb", "--diskwipe=false", "-y");
        assertTrue(h.db().contains("      /dev/sdb:\n        wipe_table: false\n"), h.db());

        // selectors missing or wrong: clear errors, nothing written
        String before = h.db();
        assertEquals(new Harness.Result(255, "", "ERROR: --partname must be specified with --partsize\n"),
                h.inProcess("node", "set", "n03", "--partsize", "10", "-y"));
        assertEquals(new Harness.Result(255, "", "ERROR: --diskname must be specified with --partname\n"),
                h.inProcess("node", "set", "n03", "--partname", "x", "--partsize", "10", "-y"));
        assertEquals(new Harness.Result(255, "", "ERROR: filesystems need to have a underlying blockdev\n"),
                h.inProcess("node", "set", "n03", "--fsname", "data", "--fsformat", "xfs", "-y"));
        assertEquals(new Harness.Result(255, "", "ERROR: disk doesn't exist: /dev/nope\n"),
                h.inProcess("node", "set", "n03", "--diskdel", "/dev/nope", "-y"));
        assertEquals(new Harness.Result(255, "", "ERROR: partition doesn't exist: nope\n"),
                h.inProcess("node", "set", "n03", "--partdel", "nope", "-y"));
        assertEquals(before, h.db());

        // deletes
        r = ok("node", "set", "n03", "--partdel", "scratch", "--fsdel", "/dev/disk/by-partlabel/scratch", "-y");
        assertTrue(r.out().contains("  disks[/dev/vda].partitions[scratch].partsize: \"1024\" → <unset>\n"), r.out());
        assertTrue(r.out().contains("  filesystems[/dev/disk/by-partlabel/scratch].fsformat: \"ext4\" → <unset>\n"), r.out());
        ok("node", "set", "n03", "--diskdel", "/dev/vda", "-y");
        assertTrue(!h.db().contains("/dev/vda") && !h.db().contains("scratch"), h.db());
        // profiles take the same flags
        ok("profile", "set", "gpu", "--fsname", "/dev/nvme0n1p1", "--fsformat", "xfs", "-y");
        assertTrue(h.db().contains("  gpu:\n    image name: rocky-gpu\n    filesystems:\n      /dev/nvme0n1p1:\n        format: xfs\n"), h.db());
    }

    @Test
    void unsetDisksPartitionsFilesystems() throws Exception {
        ok("node", "set", "n03", "--diskname", "/dev/vda", "--diskwipe", "--partname", "scratch", "--partnumber", "1",
                "--partsize", "1024", "--fsname", "scratch", "--fsformat", "ext4", "--fspath", "/scratch", "-y");
        ok("node", "set", "n03", "--diskname", "/dev/vdb", "--partname", "swap", "--partsize", "512", "-y");
        String before = h.db();
        assertEquals(new Harness.Result(255, "", "ERROR: --diskname must be specified with --partsize\n"),
                h.inProcess("node", "unset", "n03", "--partsize", "-y"));
        assertEquals(new Harness.Result(255, "", "ERROR: --fsname must be specified with --fspath\n"),
                h.inProcess("node", "unset", "n03", "--fspath", "-y"));
        assertEquals(before, h.db());

        assertEquals("""
                Applying following changes:

                n03:
                  disks[/dev/vda].partitions[scratch].partsize: "1024" → <unset>
                  filesystems[/dev/disk/by-partlabel/scratch].fspath: "/scratch" → <unset>
                """, ok("node", "unset", "n03", "--diskname", "/dev/vda", "--partname", "scratch", "--partsize",
                "--fsname", "/dev/disk/by-partlabel/scratch", "--fspath", "-y").out());
        String db = h.db();
        assertTrue(db.contains("number: \"1\"") || db.contains("number: 1"), db);
        assertFalse(db.contains("size_mib: \"1024\"") || db.contains("size_mib: 1024"), db);
        // a selector alone removes the whole thing; a partition name alone, from every disk
        ok("node", "unset", "n03", "--partname", "swap", "-y");
        assertFalse(h.db().contains("/dev/vdb"), h.db()); // its only partition gone: the disk is empty, removed
        ok("node", "unset", "n03", "--fsname", "/dev/disk/by-partlabel/scratch", "-y");
        ok("node", "unset", "n03", "--diskname", "/dev/vda", "-y");
        assertFalse(h.db().contains("disks:") || h.db().contains("filesystems:"), h.db());
    }
}
