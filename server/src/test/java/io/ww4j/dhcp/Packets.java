package io.ww4j.dhcp;

import static org.dhcp4java.DHCPConstants.BOOTREQUEST;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;

/** Builds client packets for tests. */
final class Packets {
    private Packets() {}

    static DHCPPacket request(byte type, String mac) {
        DHCPPacket p = new DHCPPacket();
        p.setOp(BOOTREQUEST);
        p.setHtype((byte) 1);
        p.setHlen((byte) 6);
        p.setXid(0x12345678);
        p.setFlags((short) 0x8000);
        p.setChaddr(HexFormat.ofDelimiter(":").parseHex(mac));
        p.setDhcp(true);
        p.setDHCPMessageType(type);
        return p;
    }

    static DHCPPacket pxe(byte type, String mac, int arch) {
        DHCPPacket p = request(type, mac);
        p.setOptionRaw((byte) 93, new byte[] {(byte) (arch >> 8), (byte) arch});
        p.setOptionAsString(DHCPConstants.DHO_VENDOR_CLASS_IDENTIFIER, String.format("PXEClient:Arch:%05d:UNDI:003016", arch));
        return p;
    }

    static DHCPPacket ipxe(byte type, String mac) {
        DHCPPacket p = pxe(type, mac, 7);
        p.setOptionRaw(DHCPConstants.DHO_USER_CLASS, "iPXE".getBytes(StandardCharsets.US_ASCII));
        p.setOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER, new byte[] {0, 1, 2, 3, 4, 5, 6}); // differs from the ROM's
        return p;
    }

    static Inet4Address ip(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Serializes and re-parses through the server's own checks, as the socket path does. */
    static DHCPPacket wire(DHCPPacket p) throws BadPacketException {
        byte[] b = p.serialize();
        return DhcpEngine.parse(b, b.length);
    }
}
