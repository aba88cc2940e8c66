package io.ww4j.node;

import java.util.ArrayList;
import java.util.List;

/** {@code kernel:} of a node or profile (spec §1.4). */
public final class Kernel {
    /** A kernel file path inside the image, or a version prefix; empty: the image's default kernel. */
    public String version = "";
    /** Kernel command line pieces; {@code ~arg} negates an inherited argument. */
    public List<String> args = new ArrayList<>();

    public boolean isEmpty() {
        return version.isEmpty() && args.isEmpty();
    }

    public Kernel copy() {
        Kernel k = new Kernel();
        k.version = version;
        k.args = new ArrayList<>(args);
        return k;
    }
}
