package io.ww4j.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every rule of spec §1.9-1.11, each written from the spec text. */
class MergeTest {

    private static Map<String, Profile> profiles(String yaml) {
        return NodesConfReader.parse(yaml, "test").profiles;
    }

    private static Node merge(String yaml, String node) {
        NodesConf c = NodesConfReader.parse(yaml, "test");
        return Merge.merge(c.nodes.get(node), c.profiles, w -> { });
    }

    @Test
    void expansionIsDepthFirstPostOrder() {
        String y = """
                nodeprofiles:
                  p1: {profiles: [p2]}
                  p2: {profiles: [p3]}
                  p3: {}
                """;
        assertEquals(List.of("p3", "p2", "p1"), Merge.expandProfiles(List.of("p1"), profiles(y)));
    }

    @Test
    void cyclesAndDuplicatesAreVisitedOnce() {
        String y = """
                nodeprofiles:
                  p1: {profiles: [p2]}
                  p2: {profiles: [p3]}
                  p3: {profiles: [p1]}
                """;
        assertEquals(List.of("p3", "p2", "p1"), Merge.expandProfiles(List.of("p1"), profiles(y)));
        assertEquals(List.of("p3", "p2", "p1"), Merge.expandProfiles(List.of("p1", "p2", "p1"), profiles(y)));
    }

    @Test
    void negationAnywhereRemovesAllOccurrences() {
        String y = """
                nodeprofiles:
                  pa1: {profiles: [pa2]}
                  pa2: {}
                  pb1: {profiles: [~pa2, pb2]}
                  pb2: {profiles: [pa2]}
                """;
        assertEquals(List.of("pa1", "pb2", "pb1"), Merge.expandProfiles(List.of("pa1", "pb1"), profiles(y)));
        assertEquals(List.of("a"), Merge.clean(List.of("a", "~nothere")));
        assertEquals(List.of("b"), Merge.clean(List.of("~a", "a", "b", "a")));
    }

    @Test
    void missingProfileIsSkippedWithWarning() {
        NodesConf c = NodesConfReader.parse("""
                nodeprofiles:
                  p1: {comment: x, image name: img}
                nodes:
                  n1: {profiles: [ghost, p1]}
                """, "t");
        List<String> warnings = new ArrayList<>();
        Node n = Merge.merge(c.nodes.get("n1"), c.profiles, warnings::add);
        assertEquals(List.of("profile not found: ghost"), warnings);
        assertEquals("img", n.imageName);
        assertEquals(List.of("ghost", "p1"), n.profiles);
    }

    @Test
    void scalarsLastNonEmptyWinsAndNodeBeatsProfiles() {
        String y = """
                nodeprofiles:
                  p1: {image name: one, init: /sbin/init, cluster name: c1}
                  p2: {image name: two, root: tmpfs}
                nodes:
                  n1: {profiles: [p1, p2], cluster name: mine}
                  n2: {profiles: [p1, p2], ipxe template: own}
                """;
        Node n1 = merge(y, "n1");
        assertEquals("two", n1.imageName);
        assertEquals("/sbin/init", n1.init);
        assertEquals("tmpfs", n1.root);
        assertEquals("mine", n1.clusterName);
        assertEquals("p2", n1.source("image name"));
        assertEquals("p1", n1.source("init"));
        assertEquals(Merge.SUPERSEDED, n1.source("cluster name"));
        Node n2 = merge(y, "n2");
        assertEquals("", n2.source("ipxe template"));
        assertTrue(n2.sources.containsKey("ipxe template"));
        assertFalse(n2.sources.containsKey("kernel.version"));
    }

    @Test
    void commentAndProfilesAreNotInherited() {
        String y = """
                nodeprofiles:
                  p1: {comment: profile comment, profiles: [p2]}
                  p2: {comment: deeper}
                nodes:
                  n1: {profiles: [p1]}
                  n2: {profiles: [p1], comment: own}
                """;
        Node n1 = merge(y, "n1");
        assertEquals("", n1.comment);
        assertEquals(List.of("p1"), n1.profiles);
        assertEquals("own", merge(y, "n2").comment);
    }

    @Test
    void nodeProfilesListIsNegatedButRawKeptForListAll() {
        String y = """
                nodeprofiles:
                  p1: {}
                  p2: {}
                nodes:
                  n1: {profiles: [p2, ~p1]}
                """;
        Node n = merge(y, "n1");
        assertEquals(List.of("p2"), n.profiles);
        assertEquals(List.of("p2", "~p1"), n.rawLists.get("profiles"));
    }

    @Test
    void listsAppendInOrderWithNegation() {
        String y = """
                nodeprofiles:
                  p1:
                    runtime overlay: [ro1, ro2]
                    system overlay: [s1]
                    kernel: {args: [quiet, a=1]}
                  p2:
                    system overlay: [s2]
                nodes:
                  n1:
                    profiles: [p1, p2]
                    runtime overlay: [~ro1, ro3]
                    system overlay: [s3]
                    kernel: {args: [~quiet, b=2]}
                """;
        Node n = merge(y, "n1");
        assertEquals(List.of("ro2", "ro3"), n.runtimeOverlay);
        assertEquals(List.of("s1", "s2", "s3"), n.systemOverlay);
        assertEquals(List.of("a=1", "b=2"), n.kernel.args);
        assertEquals("p1,p2,n1", n.source("system overlay"));
        assertEquals("p1,n1", n.source("runtime overlay"));
        assertEquals(List.of("ro1", "ro2", "~ro1", "ro3"), n.rawLists.get("runtime overlay"));
    }

    @Test
    void mapsMergeKeyByKeyAndNetdevsDeepMerge() {
        String y = """
                nodeprofiles:
                  p1:
                    tags: {a: "1", b: "1"}
                    ipmi: {username: root, netmask: 255.255.0.0, tags: {vlan: "10"}}
                    network devices:
                      default: {netmask: 255.255.255.0, device: eth0, tags: {x: "1"}}
                      ib: {type: infiniband}
                  p2:
                    tags: {b: "2", c: "2"}
                nodes:
                  n1:
                    profiles: [p1, p2]
                    tags: {c: "3"}
                    ipmi: {ipaddr: 10.9.0.1, tags: {bitrate: "115200"}}
                    network devices:
                      default: {ipaddr: 10.0.0.5, tags: {y: "2"}}
                """;
        Node n = merge(y, "n1");
        assertEquals(Map.of("a", "1", "b", "2", "c", "3"), n.tags);
        assertEquals("p1", n.source("tags.a"));
        assertEquals("p2", n.source("tags.b"));
        assertEquals(Merge.SUPERSEDED, n.source("tags.c"));
        assertEquals("root", n.ipmi.username);
        assertEquals("10.9.0.1", n.ipmi.ipaddr);
        assertEquals(Map.of("vlan", "10", "bitrate", "115200"), n.ipmi.tags);
        NetDev d = n.netDevs.get("default");
        assertEquals("255.255.255.0", d.netmask);
        assertEquals("10.0.0.5", d.ipaddr);
        assertEquals("eth0", d.device);
        assertEquals(Map.of("x", "1", "y", "2"), d.tags);
        assertEquals("p1", n.source("network devices.default.netmask"));
        assertEquals("", n.source("network devices.default.ipaddr"));
        assertEquals("infiniband", n.netDevs.get("ib").type);
    }

    @Test
    void disksFilesystemsAndOptionalBools() {
        String y = """
                nodeprofiles:
                  p1:
                    disks:
                      /dev/sda:
                        wipe_table: true
                        partitions:
                          scratch: {number: "1", should_exist: true}
                    filesystems:
                      /dev/disk/by-partlabel/scratch: {format: xfs, options: [-f]}
                nodes:
                  n1:
                    profiles: [p1]
                    disks:
                      /dev/sda:
                        wipe_table: false
                        partitions:
                          scratch: {size_mib: "1024"}
                    filesystems:
                      /dev/disk/by-partlabel/scratch: {path: /scratch, options: [-K]}
                """;
        Node n = merge(y, "n1");
        Disk d = n.disks.get("/dev/sda");
        assertEquals(Boolean.FALSE, d.wipeTable);
        assertEquals(Merge.SUPERSEDED, n.source("disks./dev/sda.wipe_table"));
        Partition p = d.partitions.get("scratch");
        assertEquals("1", p.number);
        assertEquals("1024", p.sizeMib);
        assertEquals(Boolean.TRUE, p.shouldExist);
        assertNull(p.resize);
        FileSystem f = n.filesystems.get("/dev/disk/by-partlabel/scratch");
        assertEquals("xfs", f.format);
        assertEquals("/scratch", f.path);
        assertEquals(List.of("-f", "-K"), f.options);
    }

    @Test
    @SuppressWarnings("unchecked")
    void resourcesMapsMergeAndListsAppend() {
        String y = """
                nodeprofiles:
                  p1:
                    resources:
                      fstab: [{spec: "warewulf:/home", file: /home}]
                      limits: {nofile: 1024, nproc: 10}
                      motd: hello
                nodes:
                  n1:
                    profiles: [p1]
                    resources:
                      fstab: [{spec: "warewulf:/opt", file: /opt}]
                      limits: {nofile: 4096}
                      motd: bye
                """;
        Node n = merge(y, "n1");
        List<Object> fstab = (List<Object>) n.resources.get("fstab");
        assertEquals(2, fstab.size());
        assertEquals("/opt", ((Map<String, Object>) fstab.get(1)).get("file"));
        assertEquals(Map.of("nofile", 4096L, "nproc", 10L), n.resources.get("limits"));
        assertEquals("bye", n.resources.get("motd"));
        // the profile's own record is untouched by the merge
        NodesConf c = NodesConfReader.parse(y, "t");
        Merge.merge(c.nodes.get("n1"), c.profiles, w -> { });
        assertEquals(1, ((List<Object>) c.profiles.get("p1").resources.get("fstab")).size());
        assertEquals(Map.of("nofile", 1024L, "nproc", 10L), c.profiles.get("p1").resources.get("limits"));
    }

    @Test
    void primaryNetdevNamedExistingWins() {
        String y = """
                nodeprofiles:
                  p1: {primary network: ib, network devices: {ib: {device: ib0}}}
                nodes:
                  n1: {profiles: [p1], network devices: {a: {device: eth0}}}
                """;
        Node n = merge(y, "n1");
        assertEquals("ib", n.primaryNetwork);
        assertTrue(n.netDevs.get("ib").primary);
        assertFalse(n.netDevs.get("a").primary);
    }

    @Test
    void primaryNetdevFallsBackToSmallestName() {
        String y = """
                nodes:
                  n1: {primary network: missing, network devices: {zeta: {}, beta: {}, default: {}}}
                  n2: {network devices: {eth1: {}, eth0: {}}}
                  n3: {primary network: x}
                """;
        Node n1 = merge(y, "n1");
        assertEquals("beta", n1.primaryNetwork);
        assertTrue(n1.netDevs.get("beta").primary);
        assertEquals("eth0", merge(y, "n2").primaryNetwork);
        Node n3 = merge(y, "n3");
        assertEquals("x", n3.primaryNetwork); // no netdevs: nothing chosen
        assertNull(n3.primaryNetDev());
    }

    @Test
    void nodeOnlyFieldsComeFromTheNode() {
        Node n = merge("""
                nodes:
                  n1: {discoverable: "true", asset key: abc}
                """, "n1");
        assertTrue(n.isDiscoverable());
        assertEquals("abc", n.assetKey);
    }

    @Test
    void laterProfileOverridesEarlierAndSourceFollows() {
        Node n = merge("""
                nodeprofiles:
                  base: {ipmi: {template: a.tmpl}}
                  site: {profiles: [base], ipmi: {template: b.tmpl}}
                nodes:
                  n1: {profiles: [site]}
                """, "n1");
        assertEquals("b.tmpl", n.ipmi.template);
        assertEquals("site", n.source("ipmi.template"));
    }
}
