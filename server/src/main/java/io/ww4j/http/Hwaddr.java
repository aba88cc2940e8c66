package io.ww4j.http;

/** MAC address normalisation as upstream does it: {@code -} becomes {@code :}, lower case. */
final class Hwaddr {
    private Hwaddr() {}

    static String normalise(String s) {
        return s.replace('-', ':').toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether this looks like a MAC address at all (six or more colon-separated hex pairs). */
    static boolean wellFormed(String mac) {
        return mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5,19}");
    }
}
