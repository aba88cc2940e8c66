package io.ww4j.node;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** Validation and normalisation of the address fields. Errors are IllegalArgumentException with a readable message. */
public final class Addresses {
    private Addresses() {}

    /** Parses strict dotted-quad IPv4 (no leading zeros, each octet 0-255) to an int, or throws. */
    public static int ipv4(String s) {
        int value = 0;
        int parts = 0;
        int i = 0;
        int n = s.length();
        while (i <= n) {
            int start = i;
            int octet = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                octet = octet * 10 + (s.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    throw bad("IPv4 address", s);
                }
            }
            if (i == start || octet > 255 || (i - start > 1 && s.charAt(start) == '0')) {
                throw bad("IPv4 address", s);
            }
            value = (value << 8) | octet;
            parts++;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                throw bad("IPv4 address", s);
            }
            i++;
        }
        if (parts != 4) {
            throw bad("IPv4 address", s);
        }
        return value;
    }

    public static boolean isIpv4(String s) {
        try {
            ipv4(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static String formatIpv4(int v) {
        return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }

    /** Checks a dotted netmask: a valid IPv4 whose bits are contiguous ones then zeros. */
    public static void netmask(String s) {
        int v;
        try {
            v = ipv4(s);
        } catch (IllegalArgumentException e) {
            throw bad("netmask", s);
        }
        int inv = ~v;
        if ((inv & (inv + 1)) != 0) {
            throw bad("netmask", s);
        }
    }

    /** Prefix length of a valid dotted netmask. */
    public static int prefixLength(String mask) {
        return Integer.bitCount(ipv4(mask));
    }

    /**
     * Checks an IPv6 address (no prefix, no zone) and returns its canonical text (RFC 5952: lower
     * case, no leading zeros, the longest run of two or more zero groups as {@code ::}), which is
     * what upstream writes back (Go's net.IP). One address has one spelling, so uniqueness checks
     * see {@code fd00:0::1} and {@code fd00::1} as the same address.
     */
    public static String ipv6(String s) {
        if (s.isEmpty() || s.indexOf(':') < 0 || s.indexOf('/') >= 0 || s.indexOf('%') >= 0) {
            throw bad("IPv6 address", s);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                throw bad("IPv6 address", s);
            }
        }
        InetAddress a;
        try {
            // Only hex digits, ':' and '.' reach here, so no name resolution happens.
            a = InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw bad("IPv6 address", s);
        }
        if (!(a instanceof Inet6Address)) {
            return "::ffff:" + a.getHostAddress(); // "::ffff:a.b.c.d" comes back as IPv4
        }
        return ipv6Text(a.getAddress());
    }

    /**
     * Go's {@code net.IP.String()} of a 16-byte IPv6 address (RFC 5952): lower case, no leading
     * zeros, the first longest run of two or more zero groups written as {@code ::}.
     */
    public static String ipv6Text(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xFF) << 8 | b[2 * i + 1] & 0xFF;
        }
        int best = -1;
        int bestLen = 1; // a single zero group is never shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                best = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }

    /**
     * Checks a hardware address: 6 (Ethernet), 8 or 20 (InfiniBand) hex octets separated by ':'
     * or '-'. Returns the lookup form: lower case, ':' separated.
     */
    public static String hwaddr(String s) {
        String norm = normalizeHwaddr(s);
        int octets = (norm.length() + 1) / 3;
        if (norm.length() != octets * 3 - 1 || !(octets == 6 || octets == 8 || octets == 20)) {
            throw bad("MAC address", s);
        }
        for (int i = 0; i < norm.length(); i++) {
            char c = norm.charAt(i);
            boolean sep = i % 3 == 2;
            if (sep ? c != ':' : Character.digit(c, 16) < 0) {
                throw bad("MAC address", s);
            }
        }
        return norm;
    }

    public static boolean isHwaddr(String s) {
        try {
            hwaddr(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Lower case with '-' turned into ':' (what the server does with a MAC from a request). */
    public static String normalizeHwaddr(String s) {
        int n = s.length();
        char[] out = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            char d = c == '-' ? ':' : (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
            if (d != c) {
                if (out == null) {
                    out = s.toCharArray();
                }
                out[i] = d;
            }
        }
        return out == null ? s : new String(out);
    }

    private static IllegalArgumentException bad(String what, String s) {
        return new IllegalArgumentException("not a valid " + what + ": '" + s + "'");
    }
}
