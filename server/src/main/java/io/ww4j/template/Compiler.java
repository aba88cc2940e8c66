package io.ww4j.template;

import java.util.Arrays;
import java.util.Map;

/**
 * Parse-time specialisation: turns a parse tree into step objects that execute without
 * re-inspecting node kinds. Literal arguments are converted to their parameter types once,
 * function calls whose arity is known to fit are bound to their function with pre-built argument
 * plans, variables read their frame slot directly. Anything unusual (wrong arity, arguments
 * to non-functions, and/or/call, parenthesised pipelines) keeps Exec's general path, which also
 * words every error: specialised steps only ever take the path Exec would have taken.
 */
final class Compiler {
    private Compiler() {}

    /** What a step asks of the enclosing range (returned, not thrown: exceptions are slow). */
    static final int NEXT = 0;
    static final int BREAK = 1;
    static final int CONTINUE = 2;

    /** A statement. */
    abstract static class Step {
        abstract int run(Exec ex, Object dot, Object[] vars);
    }

    /** A pipeline, evaluated to its value (declared variables are set). */
    abstract static class Expr {
        abstract Object eval(Exec ex, Object dot, Object[] vars);
    }

    /** One command of a pipeline; {@code fin} is the piped value or Exec.NO_FINAL. */
    abstract static class Cmd {
        abstract Object eval(Exec ex, Object dot, Object fin, Object[] vars);
    }

    // ---- statements ----

    static Step compile(Node n) {
        if (n instanceof Node.Text t) {
            return new Text(t.text);
        }
        if (n instanceof Node.ListNode l) {
            if (l.nodes.length == 1) {
                return compile(l.nodes[0]);
            }
            Step[] steps = new Step[l.nodes.length];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = compile(l.nodes[i]);
            }
            return new Seq(steps);
        }
        if (n instanceof Node.Action a) {
            Expr e = pipe(a.pipe);
            if (e instanceof Single one) {
                // print's own test covers a nil interface: no conversion step needed
                // errors before any inner node is reached are at the pipeline, as Go's evalPipeline places them
                return one.cmd instanceof VarRef v ? new PrintVar(a, v.var) : new PrintCmd(a.pipe, one.cmd);
            }
            return a.pipe.decl.length == 0 ? new Print(a.pipe, e) : new Declare(a.pipe, e);
        }
        if (n instanceof Node.Branch b) {
            Expr e = pipe(b.pipe);
            Step then = compile(b.list);
            Step els = b.elseList == null ? null : compile(b.elseList);
            switch (b.kind) {
                case RANGE:
                    return new Range(b, e, then, els);
                case WITH:
                    return new If(b, e, then, els, true);
                default:
                    return new If(b, e, then, els, false);
            }
        }
        if (n instanceof Node.TemplateCall c) {
            return new Call(c);
        }
        if (n instanceof Node.Break br) {
            return br.isContinue ? Flow.CONT : Flow.BRK;
        }
        return new Unknown(n);
    }

    static final class Text extends Step {
        final String text;

        Text(String text) {
            this.text = text;
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            ex.ctx.out.append(text);
            return NEXT;
        }
    }

    static final class Seq extends Step {
        final Step[] steps;
        /** texts[i]: the text of steps[i] when it is a Text, appended here without a call. */
        final String[] texts;

        Seq(Step[] steps) {
            this.steps = steps;
            this.texts = new String[steps.length];
            for (int i = 0; i < steps.length; i++) {
                if (steps[i] instanceof Text t) {
                    texts[i] = t.text;
                }
            }
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            Step[] steps = this.steps;
            String[] texts = this.texts;
            for (int i = 0; i < steps.length; i++) {
                String t = texts[i];
                if (t != null) {
                    ex.ctx.out.append(t);
                    continue;
                }
                int f = steps[i].run(ex, dot, vars);
                if (f != NEXT) {
                    return f;
                }
            }
            return NEXT;
        }
    }

    static final class Print extends Step {
        final Node node;
        final Expr pipe;

        Print(Node node, Expr pipe) {
            this.node = node;
            this.pipe = pipe;
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            ex.node = node;
            ex.print(pipe.eval(ex, dot, vars));
            return NEXT;
        }
    }

    static final class PrintCmd extends Step {
        final Node node;
        final Cmd cmd;

        PrintCmd(Node node, Cmd cmd) {
            this.node = node;
            this.cmd = cmd;
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            ex.node = node;
            ex.print(cmd.eval(ex, dot, Exec.NO_FINAL, vars));
            return NEXT;
        }
    }

    static final class PrintVar extends Step {
        final Node.Var var;
        final int slot;

        PrintVar(Node.Action node, Node.Var var) {
            this.var = var;
            this.slot = var.slot;
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            ex.node = var;
            ex.print(vars[slot]);
            return NEXT;
        }
    }

    static final class Declare extends Step {
        final Node node;
        final Expr pipe;

        Declare(Node node, Expr pipe) {
            this.node = node;
            this.pipe = pipe;
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            ex.node = node;
            pipe.eval(ex, dot, vars);
            return NEXT;
        }
    }

    static final class If extends Step {
        final Node.Branch node;
        final Expr pipe;
        final Step then;
        final Step els;
        final boolean with;

        If(Node.Branch node, Expr pipe, Step then, Step els, boolean with) {
            this.node = node;
            this.pipe = pipe;
            this.then = then;
            this.els = els;
            this.with = with;
            this.cmd = pipe instanceof Single one ? one.cmd : null;
        }

        /** The pipeline's only command, called directly (null: a real pipeline). */
        final Cmd cmd;

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            ex.node = node;
            Object v = cmd != null ? cmd.eval(ex, dot, Exec.NO_FINAL, vars) : pipe.eval(ex, dot, vars);
            if (Values.truth(v)) {
                return then.run(ex, with ? noNil(v) : dot, vars);
            }
            return els == null ? NEXT : els.run(ex, dot, vars);
        }
    }

    static final class Range extends Step {
        final Node.Branch node;
        final Expr pipe;
        final Step body;
        final Step els;

        Range(Node.Branch node, Expr pipe, Step body, Step els) {
            this.node = node;
            this.pipe = pipe;
            this.body = body;
            this.els = els;
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            return ex.range(dot, this, vars);
        }

        /** The key order last seen here; reused while a map has the same keys (cheaper than sorting). */
        private KeyOrder order;

        /** The map's entries in Go's key order (fmtsort), as a snapshot. */
        Object[] sortedEntries(Map<?, ?> m) {
            Object[] es = m.entrySet().toArray(); // not toArray(T[]): that one allocates reflectively
            KeyOrder o = order;
            if (o == null || !o.sameKeys(es)) {
                o = KeyOrder.of(es);
                if (o == null) {
                    Arrays.sort(es, (a, b) -> GoFmt.compareKeys(((Map.Entry<?, ?>) a).getKey(), ((Map.Entry<?, ?>) b).getKey()));
                    return es;
                }
                order = o;
            }
            return o.apply(es);
        }
    }

    /** String keys in iteration order and the permutation that sorts them (null: already sorted). */
    static final class KeyOrder {
        final String[] keys;
        final int[] perm;

        private KeyOrder(String[] keys, int[] perm) {
            this.keys = keys;
            this.perm = perm;
        }

        static KeyOrder of(Object[] es) {
            String[] keys = new String[es.length];
            for (int i = 0; i < es.length; i++) {
                if (!(((Map.Entry<?, ?>) es[i]).getKey() instanceof String k)) {
                    return null;
                }
                keys[i] = k;
            }
            boolean sorted = true;
            for (int i = 1; i < keys.length && sorted; i++) {
                sorted = GoFmt.compareBytes(keys[i - 1], keys[i]) <= 0;
            }
            if (sorted) {
                return new KeyOrder(keys, null);
            }
            Integer[] idx = new Integer[keys.length];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            Arrays.sort(idx, (a, b) -> GoFmt.compareBytes(keys[a], keys[b]));
            int[] perm = new int[idx.length];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = idx[i];
            }
            return new KeyOrder(keys, perm);
        }

        boolean sameKeys(Object[] es) {
            if (es.length != keys.length) {
                return false;
            }
            for (int i = 0; i < es.length; i++) {
                Object k = ((Map.Entry<?, ?>) es[i]).getKey();
                if (k != keys[i] && !keys[i].equals(k)) {
                    return false;
                }
            }
            return true;
        }

        Object[] apply(Object[] es) {
            if (perm == null) {
                return es;
            }
            Object[] out = new Object[es.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = es[perm[i]];
            }
            return out;
        }
    }

    static final class Call extends Step {
        final Node.TemplateCall node;
        final Expr pipe;

        Call(Node.TemplateCall node) {
            this.node = node;
            this.pipe = node.pipe == null ? null : pipe(node.pipe);
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            ex.callTemplate(dot, node, pipe, vars);
            return NEXT;
        }
    }

    static final class Flow extends Step {
        static final Flow BRK = new Flow(BREAK);
        static final Flow CONT = new Flow(CONTINUE);
        final int code;

        private Flow(int code) {
            this.code = code;
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            return code;
        }
    }

    static final class Unknown extends Step {
        final Node node;

        Unknown(Node node) {
            this.node = node;
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            ex.node = node;
            throw ex.error("unknown node: " + node);
        }
    }

    // ---- pipelines and commands ----

    static Expr pipe(Node.Pipe p) {
        Cmd[] cmds = new Cmd[p.cmds.length];
        for (int i = 0; i < cmds.length; i++) {
            cmds[i] = command(p.cmds[i], i > 0);
        }
        if (cmds.length == 1 && p.decl.length == 0) {
            return new Single(cmds[0]);
        }
        return new Pipeline(cmds, p.decl);
    }

    static final class Single extends Expr {
        final Cmd cmd;

        Single(Cmd cmd) {
            this.cmd = cmd;
        }

        @Override
        Object eval(Exec ex, Object dot, Object[] vars) {
            return noNil(cmd.eval(ex, dot, Exec.NO_FINAL, vars));
        }
    }

    static final class Pipeline extends Expr {
        final Cmd[] cmds;
        final Node.Var[] decl;

        Pipeline(Cmd[] cmds, Node.Var[] decl) {
            this.cmds = cmds;
            this.decl = decl;
        }

        @Override
        Object eval(Exec ex, Object dot, Object[] vars) {
            Object value = Exec.NO_FINAL;
            for (Cmd c : cmds) {
                value = noNil(c.eval(ex, dot, value, vars));
            }
            for (Node.Var v : decl) {
                ex.set(v, vars, value);
            }
            return value;
        }
    }

    /** {@code piped}: the command gets the previous command's value as its last argument. */
    static Cmd command(Node.Command cmd, boolean piped) {
        Node first = cmd.args[0];
        boolean plain = cmd.args.length == 1 && !piped;
        if (first instanceof Node.Var v) {
            return v.fields.length == 0 && plain ? new VarRef(v) : new VarFields(v, cmd.args, plain);
        }
        if (first instanceof Node.Field f) {
            return new DotFields(f, cmd.args, plain);
        }
        if (first instanceof Node.Ident id && id.func != null && id.func != Builtins.AND && id.func != Builtins.OR
                && id.func != Builtins.CALL) {
            Cmd bound = bind(cmd, id, piped);
            if (bound != null) {
                return bound;
            }
        }
        if (plain && (first instanceof Node.Str || first instanceof Node.Bool
                || first instanceof Node.Num n && n.ideal != null)) {
            return new Literal(first);
        }
        return new General(cmd);
    }

    /** Exec's general path: every shape, every error. */
    static final class General extends Cmd {
        final Node.Command cmd;

        General(Node.Command cmd) {
            this.cmd = cmd;
        }

        @Override
        Object eval(Exec ex, Object dot, Object fin, Object[] vars) {
            return ex.command(dot, cmd, fin, vars);
        }
    }

    static final class VarRef extends Cmd {
        final Node.Var var;
        final int slot;

        VarRef(Node.Var var) {
            this.var = var;
            this.slot = var.slot;
        }

        @Override
        Object eval(Exec ex, Object dot, Object fin, Object[] vars) {
            ex.node = var;
            return vars[slot];
        }
    }

    static final class VarFields extends Cmd {
        final Node.Var var;
        final Node[] args;
        final int slot;
        final String[] fields;
        final boolean plain;

        VarFields(Node.Var var, Node[] args, boolean plain) {
            this.var = var;
            this.args = args;
            this.slot = var.slot;
            this.fields = var.fields;
            this.plain = plain;
        }

        @Override
        Object eval(Exec ex, Object dot, Object fin, Object[] vars) {
            if (!plain || fields.length == 0) {
                return ex.variable(dot, var, args, fin, vars);
            }
            ex.node = var;
            return mapPath(ex, dot, vars[slot], var, fields, var.sites, args, vars);
        }
    }

    static final class DotFields extends Cmd {
        final Node.Field f;
        final Node[] args;
        final boolean plain;

        DotFields(Node.Field f, Node[] args, boolean plain) {
            this.f = f;
            this.args = args;
            this.plain = plain;
        }

        @Override
        Object eval(Exec ex, Object dot, Object fin, Object[] vars) {
            ex.node = f;
            if (!plain) {
                return ex.fieldChain(dot, dot, f, f.fields, f.sites, args, fin, vars);
            }
            return mapPath(ex, dot, dot, f, f.fields, f.sites, args, vars);
        }
    }

    /**
     * A field chain without arguments: map keys are looked up here directly (what Exec.field does
     * for a map); any other receiver continues on Exec's general path from that field on.
     */
    static Object mapPath(Exec ex, Object dot, Object recv, Node n, String[] fields, Node.Site[] sites, Node[] args,
            Object[] vars) {
        for (int i = 0; i < fields.length; i++) {
            if (!(recv instanceof Map<?, ?> m)) {
                return ex.fieldChain(dot, recv, n, fields, sites, i, args, Exec.NO_FINAL, vars);
            }
            String name = fields[i];
            Object v = m.get(name);
            recv = v != null ? v : m.containsKey(name) ? Values.NIL_IFACE : Values.MISSING;
        }
        return recv;
    }

    static final class Literal extends Cmd {
        final Node node;
        final Object value;

        Literal(Node node) {
            this.node = node;
            this.value = node instanceof Node.Str s ? s.value
                    : node instanceof Node.Bool b ? (Object) b.value : ((Node.Num) node).ideal;
        }

        @Override
        Object eval(Exec ex, Object dot, Object fin, Object[] vars) {
            ex.node = node;
            return value;
        }
    }

    /** A function call whose argument count fits: arguments pre-converted where they are literals. */
    private static Cmd bind(Node.Command cmd, Node.Ident id, boolean piped) {
        Func f = id.func;
        int nargs = cmd.args.length - 1;
        int numIn = nargs + (piped ? 1 : 0);
        int numFixed = f.variadic ? f.params.length - 1 : f.params.length;
        if (f.variadic ? numIn < numFixed : numIn != f.params.length) {
            return null; // Exec words the arity error when it runs, as Go does
        }
        GoType[] types = new GoType[nargs];
        for (int i = 0; i < nargs; i++) {
            types[i] = i < numFixed ? f.params[i] : f.params[f.params.length - 1];
        }
        GoType finType = null;
        if (piped) {
            finType = f.params[f.params.length - 1];
            if (f.variadic && numIn - 1 < numFixed) {
                finType = f.params[numIn - 1];
            }
        }
        return new Bound(cmd, id, f, types, finType);
    }

    /**
     * A bound call. Arguments are evaluated by kind with a switch (a predictable branch) rather
     * than through an evaluator object per argument (a call the JIT cannot inline).
     */
    static final class Bound extends Cmd {
        static final int CONST = 0;
        static final int VAR = 1;
        static final int DOT = 2;
        static final int GENERAL = 3;
        static final int VAR_FIELDS = 4;
        static final int DOT_FIELDS = 5;
        static final int PIPE = 6;

        final Node.Command cmd;
        final Node.Ident id;
        final Func.Body body;
        final String name;
        final int[] kinds;
        final Node[] nodes;
        final Object[] consts;
        final int[] slots;
        final GoType[] types;
        final String[][] fields;
        final Node.Site[][] sites;
        /** The compiled parenthesised pipelines among the arguments (kind PIPE). */
        final Expr[] pipes;
        final GoType finType;

        /** {@code types}: the parameter type each argument (cmd.args[1..]) is converted to. */
        Bound(Node.Command cmd, Node.Ident id, Func f, GoType[] types, GoType finType) {
            this.cmd = cmd;
            this.id = id;
            this.body = f.body;
            this.name = id.name;
            this.finType = finType;
            this.types = types;
            int n = types.length;
            kinds = new int[n];
            nodes = new Node[n];
            consts = new Object[n];
            slots = new int[n];
            fields = new String[n][];
            sites = new Node.Site[n][];
            pipes = new Expr[n];
            for (int i = 0; i < n; i++) {
                Node a = cmd.args[i + 1];
                nodes[i] = a;
                Object c;
                if (a instanceof Node.Var v) {
                    kinds[i] = v.fields.length == 0 ? VAR : VAR_FIELDS;
                    slots[i] = v.slot;
                    fields[i] = v.fields;
                    sites[i] = v.sites;
                } else if (a instanceof Node.Field df) {
                    kinds[i] = DOT_FIELDS;
                    fields[i] = df.fields;
                    sites[i] = df.sites;
                } else if (a instanceof Node.Dot) {
                    kinds[i] = DOT;
                } else if (a instanceof Node.Pipe p) {
                    kinds[i] = PIPE;
                    pipes[i] = pipe(p);
                } else if ((c = constant(a, types[i])) != null) {
                    kinds[i] = CONST;
                    consts[i] = c == NIL ? null : c;
                } else {
                    kinds[i] = GENERAL; // Exec.arg: computed values, and literals it rejects with Go's error
                }
            }
        }

        @Override
        Object eval(Exec ex, Object dot, Object fin, Object[] vars) {
            ex.node = id;
            int n = kinds.length;
            Object[] argv = new Object[finType == null ? n : n + 1];
            for (int i = 0; i < n; i++) {
                Node node = nodes[i];
                ex.node = node;
                switch (kinds[i]) {
                    case CONST:
                        argv[i] = consts[i];
                        break;
                    case VAR:
                        argv[i] = ex.validate(vars[slots[i]], types[i]);
                        break;
                    case DOT:
                        argv[i] = ex.validate(dot, types[i]);
                        break;
                    case VAR_FIELDS: {
                        Object v = mapPath(ex, dot, vars[slots[i]], node, fields[i], sites[i], null, vars);
                        ex.node = node;
                        argv[i] = ex.validate(v, types[i]);
                        break;
                    }
                    case DOT_FIELDS: {
                        Object v = mapPath(ex, dot, dot, node, fields[i], sites[i], null, vars);
                        ex.node = node;
                        argv[i] = ex.validate(v, types[i]);
                        break;
                    }
                    case PIPE:
                        // the node stays the pipeline's last one, as in Go (Exec.arg)
                        argv[i] = ex.validate(pipes[i].eval(ex, dot, vars), types[i]);
                        break;
                    default:
                        argv[i] = ex.arg(dot, types[i], node, vars, false);
                        break;
                }
            }
            if (finType != null) {
                argv[n] = ex.validate(fin, finType);
            }
            try {
                return result(body.call(ex.ctx, argv));
            } catch (Exception | Error e) {
                throw callFailed(ex, e, cmd, name);
            }
        }
    }

    /** A function's result as the executor holds it: Java null is Go's nil interface. */
    static Object result(Object r) {
        return r == null ? Values.NIL_IFACE : r;
    }

    /** A pipeline's value: a nil interface read from a map becomes a missing value. */
    static Object noNil(Object v) {
        return v == Values.NIL_IFACE ? Values.MISSING : v;
    }

    /**
     * What a function call that threw becomes: template errors, abort() and stack overflows go on
     * unchanged (the caller throws what this returns, or this throws); anything else is Go's
     * {@code error calling NAME: message} at the command.
     */
    static RuntimeException callFailed(Exec ex, Throwable e, Node cmd, String name) {
        if (e instanceof TemplateException te) {
            return te;
        }
        if (e instanceof RenderContext.Abort a) {
            return a;
        }
        if (e instanceof StackOverflowError so) {
            throw so;
        }
        ex.node = cmd;
        return ex.error("error calling " + name + ": " + Exec.message(e), e);
    }

    // ---- arguments ----

    /** Marks a nil constant (null itself means: not a constant). */
    private static final Object NIL = new Object();

    /** The value Exec.arg gives a literal for a parameter of type t, or null when that is an error. */
    private static Object constant(Node n, GoType t) {
        if (n instanceof Node.Nil) {
            return t.nillable() ? (t == GoType.VALUE ? Values.MISSING : NIL) : null;
        }
        switch (t) {
            case BOOL:
                return n instanceof Node.Bool b ? (Object) b.value : null;
            case STRING:
                return n instanceof Node.Str s ? s.value : null;
            case INT:
                return n instanceof Node.Num num && num.isInt ? (Object) num.intVal : null;
            case FLOAT64:
                return n instanceof Node.Num num && num.isFloat ? (Object) num.floatVal : null;
            case ANY:
            case VALUE:
                if (n instanceof Node.Bool b) {
                    return b.value;
                }
                if (n instanceof Node.Num num) {
                    return num.ideal;
                }
                return n instanceof Node.Str s ? s.value : null;
            default:
                return null;
        }
    }
}
