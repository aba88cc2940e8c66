package io.ww4j.cli;

import io.ww4j.daemon.Terminal;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The wwctl process's own stdin/stdout/stderr (in-process mode, and the client side of the daemon mode). */
final class LocalTerminal implements Terminal {
    private final OutputStream out = new FileOutputStream(FileDescriptor.out);
    private final OutputStream err = new FileOutputStream(FileDescriptor.err);
    private final InputStream in = new FileInputStream(FileDescriptor.in);

    @Override
    public OutputStream stdout() {
        return out;
    }

    @Override
    public OutputStream stderr() {
        return err;
    }

    @Override
    public InputStream stdin() {
        return in;
    }

    @Override
    public boolean confirm(String label) throws IOException {
        return Interactive.confirm(label, in, out);
    }

    @Override
    public String edit(String text, String suffix) throws IOException {
        return Interactive.edit(text, suffix, System.getenv());
    }
}
