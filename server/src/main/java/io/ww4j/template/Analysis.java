package io.ww4j.template;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a template reads from its data, found from the parse tree: the top-level fields it reads
 * from the root value (through {@code .X} where dot is the root, and {@code $.X}), and the
 * functions it calls. A caller can use this to tell that two data values giving the same values
 * for those fields render alike. The root "escapes" (no field set) when the template uses the
 * root value whole ({@code .} or {@code $} alone, e.g. as a function argument) or calls another
 * template.
 */
final class Analysis {
    final Set<String> fields = new TreeSet<>();
    final Set<String> functions = new TreeSet<>();
    boolean escapes;

    static Analysis of(Parser.Tree tree) {
        Analysis a = new Analysis();
        a.list(tree.root, true);
        return a;
    }

    Optional<Set<String>> rootFields() {
        return escapes ? Optional.empty() : Optional.of(Set.copyOf(fields));
    }

    private void list(Node.ListNode l, boolean dotIsRoot) {
        if (l == null) {
            return;
        }
        for (Node n : l.nodes) {
            node(n, dotIsRoot);
        }
    }

    private void node(Node n, boolean dotIsRoot) {
        switch (n) {
            case Node.ListNode l -> list(l, dotIsRoot);
            case Node.Action a -> pipe(a.pipe, dotIsRoot);
            case Node.Branch b -> {
                pipe(b.pipe, dotIsRoot);
                // In range and with bodies dot is the pipeline's value (already counted); else keeps dot.
                list(b.list, b.kind == Node.Control.IF && dotIsRoot);
                list(b.elseList, dotIsRoot);
            }
            case Node.TemplateCall t -> {
                escapes = true;
                if (t.pipe != null) {
                    pipe(t.pipe, dotIsRoot);
                }
            }
            case Node.Pipe p -> pipe(p, dotIsRoot);
            case Node.Command c -> {
                for (Node arg : c.args) {
                    node(arg, dotIsRoot);
                }
            }
            case Node.Ident i -> functions.add(i.name);
            case Node.Var v -> {
                if (v.name.equals("$")) {
                    if (v.fields.length == 0) {
                        escapes = true;
                    } else {
                        fields.add(v.fields[0]);
                    }
                }
            }
            case Node.Field f -> {
                if (dotIsRoot) {
                    fields.add(f.fields[0]);
                }
            }
            case Node.Chain c -> node(c.node, dotIsRoot);
            case Node.Dot d -> {
                if (dotIsRoot) {
                    escapes = true;
                }
            }
            default -> { } // text, literals, break/continue
        }
    }

    private void pipe(Node.Pipe p, boolean dotIsRoot) {
        for (Node.Command c : p.cmds) {
            node(c, dotIsRoot);
        }
    }
}
