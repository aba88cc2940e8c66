package io.ww4j.status;

import java.time.Instant;

/**
 * One thing that happened in a node's boot: a DHCP packet, a TFTP transfer, an HTTP request or an
 * agent poll. Protocol packages create these; {@link StatusTracker} keeps them per node.
 *
 * @param nodeId    the node's id, or null when the client is not (yet) a known node
 * @param hwaddr    the client's MAC (lower case, colon separated), or null if unknown
 * @param client    the client's address as seen by the server (e.g. "10.0.0.5:987")
 * @param protocol  which server saw it
 * @param stage     upstream's stage name where one applies (IPXE, KERNEL, IMAGE, SYSTEM, RUNTIME,
 *                  INITRAMFS, GRUB, EFIBOOT, FILES) or the protocol step (DISCOVER, ACK, RRQ, ...)
 * @param file      what was asked for (boot file, overlay name, ...), or "" if nothing
 * @param bytes     bytes sent for this event (0 when none)
 * @param ok        false when the request failed (the detail says why)
 * @param detail    free text for logs and traces ("" if none)
 * @param time      when it happened
 */
public record BootEvent(String nodeId, String hwaddr, String client, Protocol protocol, String stage,
                        String file, long bytes, boolean ok, String detail, Instant time) {

    public enum Protocol { DHCP, TFTP, HTTP, AGENT }

    public static BootEvent of(String nodeId, String hwaddr, String client, Protocol protocol, String stage,
                               String file, long bytes) {
        return new BootEvent(nodeId, hwaddr, client, protocol, stage, file == null ? "" : file, bytes, true, "",
                Instant.now());
    }

    public BootEvent failed(String why) {
        return new BootEvent(nodeId, hwaddr, client, protocol, stage, file, bytes, false, why, time);
    }
}
