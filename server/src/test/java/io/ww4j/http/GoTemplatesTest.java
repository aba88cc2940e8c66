package io.ww4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.template.Sprig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Template lookup: first existing candidate wins; what was seen on disk is trusted for the recheck time. */
class GoTemplatesTest {
    @TempDir
    Path tmp;

    @Test
    void firstCandidateWinsAndRecheckTimeIsHonoured() throws Exception {
        Path site = tmp.resolve("site.ipxe");
        Path ours = tmp.resolve("ours.ipxe");
        Files.writeString(ours, "ours {{.Hwaddr}}");
        List<Path> candidates = List.of(site, ours);
        GoTemplates trusting = new GoTemplates(Sprig.functions(), Duration.ofHours(1));
        GoTemplates checking = new GoTemplates(Sprig.functions(), Duration.ZERO);
        IpxeVars v = IpxeVars.unknown("aa:bb:cc:dd:ee:ff");
        assertEquals("ours aa:bb:cc:dd:ee:ff", trusting.find(candidates).orElseThrow().render(v));
        assertEquals("ours aa:bb:cc:dd:ee:ff", checking.find(candidates).orElseThrow().render(v));
        Files.writeString(site, "site {{.Hwaddr | upper}}");
        // within the recheck time the file system is not asked again
        assertEquals(ours, trusting.find(candidates).orElseThrow().path());
        assertEquals("site AA:BB:CC:DD:EE:FF", checking.find(candidates).orElseThrow().render(v));
        Files.delete(site);
        Files.delete(ours);
        assertTrue(checking.find(candidates).isEmpty());
    }
}
