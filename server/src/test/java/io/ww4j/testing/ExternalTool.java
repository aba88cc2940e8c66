package io.ww4j.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tests that drive a real external program (tftp, curl, dhclient, go, ...) call
 * {@link #require}. In CI ({@code CI=true}, where .ci/install-packages has run) a missing tool
 * fails the test; on a developer machine it skips the test with the package to install.
 */
public final class ExternalTool {
    private ExternalTool() {}

    /** Returns the absolute path of {@code command}; fails in CI or skips locally when absent. */
    public static Path require(String command, String debianPackage) {
        Path found = find(command);
        if (found == null) {
            String msg = "'" + command + "' not found: apt-get install " + debianPackage
                    + " (listed in .ci/packages)";
            if ("true".equals(System.getenv("CI"))) {
                fail(msg);
            }
            assumeTrue(false, msg);
        }
        return found;
    }

    /** True when running as root (network namespaces, privileged ports). */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public static Path find(String command) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
