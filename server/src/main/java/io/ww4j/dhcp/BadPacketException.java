package io.ww4j.dhcp;

/** A datagram that is not a DHCP request we can answer; the message says why. */
public final class BadPacketException extends Exception {
    public BadPacketException(String message) {
        super(message, null, false, false);
    }
}
