package io.ww4j.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-execution state that functions may touch: output slots ({@code file}, {@code softlink}),
 * the abort and backup flags. One instance per execution; not shared between threads.
 */
public final class RenderContext {
    private final List<String> names = new ArrayList<>();
    private final List<StringBuilder> texts = new ArrayList<>();
    private final List<String> links = new ArrayList<>();
    StringBuilder out;
    boolean aborted;
    boolean backup = true;
    int depth;

    RenderContext(StringBuilder first) {
        names.add(null);
        texts.add(first);
        links.add(null);
        out = first;
    }

    /** Sends all following output to a new slot named {@code name}. */
    public void openFile(String name) {
        out = new StringBuilder();
        names.add(name);
        texts.add(out);
        links.add(null);
    }

    /** Marks the most recent slot as a symlink to {@code target}. */
    public void softlink(String target) {
        links.set(links.size() - 1, target);
    }

    /** Clears the backup flag for the whole template. */
    public void noBackup() {
        backup = false;
    }

    /** Stops execution at once; the result is marked aborted. */
    public RuntimeException abort() {
        aborted = true;
        return new Abort();
    }

    RenderResult result() {
        List<RenderResult.Output> outs = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            outs.add(new RenderResult.Output(names.get(i), texts.get(i).toString(), links.get(i)));
        }
        return new RenderResult(List.copyOf(outs), aborted, backup);
    }

    /** Thrown through the executor by abort(); never escapes to callers. */
    static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abort() {
            super("aborted", null, false, false);
        }
    }
}
