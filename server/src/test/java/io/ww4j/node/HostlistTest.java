package io.ww4j.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec §3.3. */
class HostlistTest {
    @Test
    void splitsOnCommasOutsideBrackets() {
        assertEquals(List.of("n1", "n2", "n3", "n5", "n7", "n8", "n10"), Hostlist.expand("n[1-3],n5,n[7-8,10]"));
        assertEquals(List.of("n01", ""), Hostlist.expand("n01,"));
    }

    @Test
    void zeroPaddingFollowsStartToken() {
        assertEquals(List.of("n01", "n02", "n03"), Hostlist.expand("n[01-03]"));
        assertEquals(10, Hostlist.expand("n[1-10]").size());
        assertEquals("n10", Hostlist.expand("n[1-10]").get(9));
        assertEquals("n1", Hostlist.expand("n[1-10]").get(0));
    }

    @Test
    void repeatsUntilNoBracketsAndKeepsItemOrder() {
        assertEquals(List.of("r1-n3", "r1-n4", "r2-n3", "r2-n4"), Hostlist.expand("r[1-2]-n[3-4]"));
        assertEquals(List.of("node4", "node1"), Hostlist.expand("node[4,1]"));
    }

    @Test
    void edgeCases() {
        assertEquals(List.of(), Hostlist.expand("node[4-1]"));
        assertEquals(List.of("node[a-b]"), Hostlist.expand("node[a-b]"));
        assertEquals(List.of("node0", "node1"), Hostlist.expand("node[-1]"));
        assertEquals(List.of("node5"), Hostlist.expand("node[1-2-3,5]"));
        assertEquals(List.of("plain"), Hostlist.expand("plain"));
        assertEquals(List.of("a", "b"), Hostlist.expand(List.of("a", "b")));
    }

    @Test
    void compress() {
        assertEquals("n[01-03,05]", Hostlist.compress(List.of("n01", "n02", "n03", "n05")));
        assertEquals("n1,n01", Hostlist.compress(List.of("n1", "n01")));
        assertEquals("login,n[1-2]", Hostlist.compress(List.of("login", "n2", "n1")));
        assertEquals("c[001-008],g[01-04]", Hostlist.compress(Hostlist.expand("c[001-008],g[01-04]")));
    }
}
