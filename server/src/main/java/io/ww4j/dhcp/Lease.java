package io.ww4j.dhcp;

/**
 * A dynamic lease: which MAC holds which range address until when.
 *
 * @param ip      the address as an unsigned 32-bit value in an int
 * @param expires epoch milliseconds
 * @param bound   false while only offered (not persisted), true once acknowledged
 */
public record Lease(String mac, int ip, long expires, boolean bound) {
    public String address() {
        return Ip4.format(ip);
    }
}
