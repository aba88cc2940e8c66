package io.ww4j.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-execution state that functions may touch: output slots ({@code file}, {@code softlink}),
 * the abort and backup flags. One instance per execution; not shared between threads.
 */
public final class RenderContext {
    // the slots: made on the first file() or softlink() call, most templates write one text only
    private List<String> names;
    private List<StringBuilder> texts;
    private List<String> links;
    private final StringBuilder first;
    StringBuilder out;
    boolean aborted;
    boolean backup = true;
    int depth;

    RenderContext(StringBuilder first) {
        this.first = first;
        out = first;
    }

    private void slots() {
        if (names == null) {
            names = new ArrayList<>();
            texts = new ArrayList<>();
            links = new ArrayList<>();
            names.add(null);
            texts.add(first);
            links.add(null);
        }
    }

    /** Sends all following output to a new slot named {@code name}. */
    public void openFile(String name) {
        slots();
        out = new StringBuilder();
        names.add(name);
        texts.add(out);
        links.add(null);
    }

    /** Marks the most recent slot as a symlink to {@code target}. */
    public void softlink(String target) {
        slots();
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
        if (names == null) {
            return new RenderResult(List.of(new RenderResult.Output(null, first.toString(), null)), aborted, backup);
        }
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
