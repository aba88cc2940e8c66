package io.ww4j.template;

import java.util.List;

/** The parse tree. Positions are byte offsets (as chars) into the template text. */
abstract class Node {
    final int pos;

    Node(int pos) {
        this.pos = pos;
    }

    /**
     * A field access site's cache: the member found for the last receiver class (null: none).
     * Written racily by executing threads; the object is immutable, so any version read is valid.
     */
    static final class Site {
        final Class<?> cls;
        final Values.Member mem;

        Site(Class<?> cls, Values.Member mem) {
            this.cls = cls;
            this.mem = mem;
        }
    }

    /**
     * Field names as the JVM's shared strings: a map key that is a string literal in Java code, or
     * a decoded JSON key (also interned), then matches by identity, the cheapest map lookup.
     */
    static String[] interned(String[] fields) {
        String[] out = new String[fields.length];
        for (int i = 0; i < fields.length; i++) {
            out[i] = fields[i].intern();
        }
        return out;
    }

    static final class ListNode extends Node {
        final Node[] nodes;

        ListNode(int pos, List<Node> nodes) {
            super(pos);
            this.nodes = nodes.toArray(new Node[0]);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (Node n : nodes) {
                b.append(n);
            }
            return b.toString();
        }
    }

    static final class Text extends Node {
        final String text;

        Text(int pos, String text) {
            super(pos);
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static final class Action extends Node {
        final Pipe pipe;

        Action(int pos, Pipe pipe) {
            super(pos);
            this.pipe = pipe;
        }

        @Override
        public String toString() {
            return "{{" + pipe + "}}";
        }
    }

    enum Control { IF, RANGE, WITH }

    static final class Branch extends Node {
        final Control kind;
        final Pipe pipe;
        final ListNode list;
        final ListNode elseList;

        Branch(int pos, Control kind, Pipe pipe, ListNode list, ListNode elseList) {
            super(pos);
            this.kind = kind;
            this.pipe = pipe;
            this.list = list;
            this.elseList = elseList;
        }

        @Override
        public String toString() {
            String name = kind.name().toLowerCase();
            return "{{" + name + " " + pipe + "}}" + list + (elseList != null ? "{{else}}" + elseList : "") + "{{end}}";
        }
    }

    static final class TemplateCall extends Node {
        final String name;
        final Pipe pipe;

        TemplateCall(int pos, String name, Pipe pipe) {
            super(pos);
            this.name = name;
            this.pipe = pipe;
        }

        @Override
        public String toString() {
            return "{{template " + GoFmt.quote(name) + (pipe != null ? " " + pipe : "") + "}}";
        }
    }

    static final class Break extends Node {
        final boolean isContinue;

        Break(int pos, boolean isContinue) {
            super(pos);
            this.isContinue = isContinue;
        }

        @Override
        public String toString() {
            return isContinue ? "{{continue}}" : "{{break}}";
        }
    }

    /** A pipeline: optional declarations/assignment, then commands joined by '|'. */
    static final class Pipe extends Node {
        final Var[] decl;
        final boolean isAssign;
        final Command[] cmds;

        Pipe(int pos, List<Var> decl, boolean isAssign, List<Command> cmds) {
            super(pos);
            this.decl = decl.toArray(new Var[0]);
            this.isAssign = isAssign;
            this.cmds = cmds.toArray(new Command[0]);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < decl.length; i++) {
                if (i > 0) {
                    b.append(", ");
                }
                b.append(decl[i]);
            }
            if (decl.length > 0) {
                b.append(isAssign ? " = " : " := ");
            }
            for (int i = 0; i < cmds.length; i++) {
                if (i > 0) {
                    b.append(" | ");
                }
                b.append(cmds[i]);
            }
            return b.toString();
        }
    }

    static final class Command extends Node {
        final Node[] args;

        Command(int pos, List<Node> args) {
            super(pos);
            this.args = args.toArray(new Node[0]);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < args.length; i++) {
                if (i > 0) {
                    b.append(' ');
                }
                if (args[i] instanceof Pipe) {
                    b.append('(').append(args[i]).append(')');
                } else {
                    b.append(args[i]);
                }
            }
            return b.toString();
        }
    }

    static final class Ident extends Node {
        final String name;
        final Func func;

        Ident(int pos, String name, Func func) {
            super(pos);
            this.name = name;
            this.func = func;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** $name with optional field chain; slot is its index in the variable frame (-1: undefined). */
    static final class Var extends Node {
        final String name;
        final int slot;
        final String[] fields;
        final Site[] sites;

        Var(int pos, String name, int slot, String[] fields) {
            super(pos);
            this.name = name;
            this.slot = slot;
            this.fields = interned(fields);
            this.sites = new Site[fields.length];
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(name);
            for (String f : fields) {
                b.append('.').append(f);
            }
            return b.toString();
        }
    }

    static final class Field extends Node {
        final String[] fields;
        final Site[] sites;

        Field(int pos, String[] fields) {
            super(pos);
            this.fields = interned(fields);
            this.sites = new Site[fields.length];
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (String f : fields) {
                b.append('.').append(f);
            }
            return b.toString();
        }
    }

    static final class Chain extends Node {
        final Node node;
        final String[] fields;
        final Site[] sites;

        Chain(int pos, Node node, String[] fields) {
            super(pos);
            this.node = node;
            this.fields = interned(fields);
            this.sites = new Site[fields.length];
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            if (node instanceof Pipe) {
                b.append('(').append(node).append(')');
            } else {
                b.append(node);
            }
            for (String f : fields) {
                b.append('.').append(f);
            }
            return b.toString();
        }
    }

    static final class Dot extends Node {
        Dot(int pos) {
            super(pos);
        }

        @Override
        public String toString() {
            return ".";
        }
    }

    static final class Nil extends Node {
        Nil(int pos) {
            super(pos);
        }

        @Override
        public String toString() {
            return "nil";
        }
    }

    static final class Bool extends Node {
        final boolean value;

        Bool(int pos, boolean value) {
            super(pos);
            this.value = value;
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    static final class Str extends Node {
        final String quoted;
        final String value;

        Str(int pos, String quoted, String value) {
            super(pos);
            this.quoted = quoted;
            this.value = value;
        }

        @Override
        public String toString() {
            return quoted;
        }
    }

    /** A number literal with Go's flags: which types it fits (an int literal is also a float). */
    static final class Num extends Node {
        final String text;
        final boolean isInt;
        final boolean isFloat;
        final boolean isChar;
        final long intVal;
        final double floatVal;
        /** The value as an untyped constant: int when it is written as an integer, else float64. */
        final Object ideal;

        Num(int pos, String text, boolean isInt, boolean isFloat, boolean isChar, long intVal, double floatVal, Object ideal) {
            super(pos);
            this.text = text;
            this.isInt = isInt;
            this.isFloat = isFloat;
            this.isChar = isChar;
            this.intVal = intVal;
            this.floatVal = floatVal;
            this.ideal = ideal;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
