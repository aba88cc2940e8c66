package io.ww4j.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's tables (tabby on Go's text/tabwriter, padding 2): a header row, a row of dashes as
 * long as each header, columns padded to the widest cell plus two spaces, the last cell not
 * padded. {@link #row} prints empty cells as {@code --} (upstream's {@code table.Prep});
 * {@link #rawRow} prints them as they are.
 */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    public Table(String... headers) {
        columns = headers.length;
        rows.add(headers.clone());
        String[] dashes = new String[headers.length];
        for (int i = 0; i < headers.length; i++) {
            dashes[i] = "-".repeat(headers[i].codePointCount(0, headers[i].length()));
        }
        rows.add(dashes);
    }

    /** Adds a row; null or empty cells print as {@code --}. */
    public Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String s = cells[i] == null ? "" : cells[i].toString();
            r[i] = s.isEmpty() ? "--" : s;
        }
        rows.add(r);
        return this;
    }

    /** Adds a row as given (null prints as an empty cell). */
    public Table rawRow(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] == null ? "" : cells[i].toString();
        }
        rows.add(r);
        return this;
    }

    public int size() {
        return rows.size() - 2;
    }

    public void print(PrintStream out) {
        out.print(render());
    }

    public String render() {
        int n = columns;
        for (String[] r : rows) {
            n = Math.max(n, r.length);
        }
        int[] width = new int[n];
        for (String[] r : rows) {
            for (int i = 0; i < r.length - 1; i++) { // the last cell of a row is not aligned
                width[i] = Math.max(width[i], r[i].codePointCount(0, r[i].length()));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(r[i]);
                if (i < r.length - 1) {
                    sb.append(" ".repeat(width[i] + 2 - r[i].codePointCount(0, r[i].length())));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
