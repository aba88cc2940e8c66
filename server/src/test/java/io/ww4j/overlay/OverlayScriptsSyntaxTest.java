package io.ww4j.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every static shell script in the distribution overlays parses under dash and busybox sh. */
class OverlayScriptsSyntaxTest {

    static List<Path> scripts() throws Exception {
        try (Stream<Path> s = Files.walk(OverlayTestSupport.distributionOverlays())) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().endsWith(".ww"))
                    .filter(p -> {
                        try {
                            return Files.readString(p).startsWith("#!/bin/sh") || p.toString().endsWith(".sh")
                                    || p.toString().contains("/init.d/");
                        } catch (Exception e) {
                            return false;
                        }
                    }).sorted().toList();
        }
    }

    @Test
    void shellScriptsParseUnderDashAndBusybox() throws Exception {
        Path busybox = ExternalTool.require("busybox", "busybox");
        List<Path> scripts = scripts();
        assertTrue(scripts.size() >= 8, "found " + scripts);
        for (Path script : scripts) {
            for (List<String> sh : List.of(List.of("dash", "-n"), List.of(busybox.toString(), "sh", "-n"))) {
                Process p = new ProcessBuilder(Stream.concat(sh.stream(), Stream.of(script.toString())).toList())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertEquals(0, p.waitFor(), sh + " " + script + ": " + out);
            }
        }
    }
}
