package io.ww4j.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The user's side of a wwctl command: its output streams, its stdin, and the interactive parts
 * (confirmation prompts, an editor session) that always run where the user is. In-process this
 * is the JVM's own console; through the daemon it is the client at the other end of the socket.
 */
public interface Terminal {
    OutputStream stdout();

    OutputStream stderr();

    InputStream stdin();

    /** Asks {@code label [y/N]} and returns true only for {@code y} or {@code yes}. */
    boolean confirm(String label) throws IOException;

    /** Lets the user edit {@code text} in $EDITOR (temp file named {@code *suffix}); returns the new text. */
    String edit(String text, String suffix) throws IOException;
}
