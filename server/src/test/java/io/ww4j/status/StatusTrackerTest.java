package io.ww4j.status;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class StatusTrackerTest {
    @Test
    void keepsLastEventsPerNodeAndFallsBackToMac() {
        StatusTracker t = new StatusTracker();
        t.record(BootEvent.of("n1", "aa:bb:cc:dd:ee:01", "10.0.0.1:68", BootEvent.Protocol.DHCP, "ACK", "", 0));
        t.record(BootEvent.of("n1", null, "10.0.0.1:4000", BootEvent.Protocol.HTTP, "KERNEL", "vmlinuz", 100));
        t.record(BootEvent.of(null, "aa:bb:cc:dd:ee:99", "10.0.0.9:68", BootEvent.Protocol.DHCP, "DISCOVER", "", 0));
        t.record(BootEvent.of(null, null, "x", BootEvent.Protocol.TFTP, "RRQ", "f", 0));
        assertEquals("KERNEL", t.last("n1").orElseThrow().stage());
        assertEquals(2, t.trace("n1").size());
        assertEquals("DISCOVER", t.last("aa:bb:cc:dd:ee:99").orElseThrow().stage());
        assertEquals(2, t.keys().size());
        for (int i = 0; i < 200; i++) {
            t.record(BootEvent.of("n2", null, "c", BootEvent.Protocol.HTTP, "IMAGE", "i" + i, i));
        }
        assertEquals(StatusTracker.TRACE_LENGTH, t.trace("n2").size());
        assertEquals("i199", t.last("n2").orElseThrow().file());
        assertFalse(BootEvent.of("n", null, "c", BootEvent.Protocol.HTTP, "IPXE", "", 0).failed("404").ok());
    }
}
