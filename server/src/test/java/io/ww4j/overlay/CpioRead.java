package io.ww4j.overlay;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;

/** Reads one file out of a (gzip'd) newc image, for tests. */
final class CpioRead {
    private CpioRead() {}

    static String file(Path img, String name) throws Exception {
        try (InputStream raw = Files.newInputStream(img);
                InputStream in = img.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                CpioArchiveInputStream cpio = new CpioArchiveInputStream(in)) {
            CpioArchiveEntry e;
            while ((e = cpio.getNextCPIOEntry()) != null) {
                if (e.getName().equals(name)) {
                    return new String(cpio.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }
}
