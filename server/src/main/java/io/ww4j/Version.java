package io.ww4j;

/** The ww4j release this build is, and the upstream Warewulf release it is compatible with. */
public final class Version {
    private Version() {}

    /** ww4j's own version, from the jar manifest when packaged. */
    public static String ww4j() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /** The upstream Warewulf version whose wire protocol, files and CLI we follow. */
    public static final String WAREWULF_COMPAT = "4.7.0";
}
