package io.ww4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The parts of a command that need the user's terminal; they always run in the wwctl process. */
final class Interactive {
    private Interactive() {}

    /** Prints {@code label [y/N]: } and reads one line; only {@code y} or {@code yes} confirm. */
    static boolean confirm(String label, InputStream in, OutputStream out) throws IOException {
        out.write((label + " [y/N]: ").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String answer = readLine(in);
        if (answer == null) {
            out.write('\n');
            out.flush();
            return false;
        }
        answer = answer.trim().toLowerCase(Locale.ROOT);
        return answer.equals("y") || answer.equals("yes");
    }

    /** Reads one line byte by byte (no read-ahead: later stdin readers get the rest). */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code text} to a private temp file named after {@code pattern} ({@code prefix*suffix}),
     * runs $EDITOR (else /bin/vi) on it with the terminal attached, and returns what was saved.
     */
    static String edit(String text, String pattern, Map<String, String> env) throws IOException {
        int star = pattern.indexOf('*');
        String prefix = star < 0 ? "ww4j" : pattern.substring(0, star);
        String suffix = star < 0 ? pattern : pattern.substring(star + 1);
        Path file = Files.createTempFile(prefix, suffix); // mode 0600
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            String editor = env.getOrDefault("EDITOR", "");
            if (editor.isBlank()) {
                editor = "/bin/vi";
            }
            // Through sh so that EDITOR may carry arguments ("emacs -nw"), as upstream allows.
            Process p = new ProcessBuilder("/bin/sh", "-c", editor + " \"$1\"", "sh", file.toString())
                    .inheritIO().start();
            int rc;
            try {
                rc = p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the editor");
            }
            if (rc != 0) {
                throw new IOException("editor " + editor + " exited with status " + rc);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
