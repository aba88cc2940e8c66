package io.ww4j.template;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;

/** Walks a parse tree with Go's execution semantics. One instance per execution. */
final class Exec {
    /** Marks "no piped value" (Go's missingVal), distinct from a missing map key. */
    static final Object NO_FINAL = new Object();
    static final int MAX_DEPTH = 100000;


    private final Map<String, Parser.Tree> trees;
    final RenderContext ctx;
    private Parser.Tree tree;
    Node node;
    private int depth;
    Node lastCall;
    Parser.Tree lastCallTree;

    Exec(Map<String, Parser.Tree> trees, RenderContext ctx) {
        this.trees = trees;
        this.ctx = ctx;
    }

    void run(Parser.Tree t, Object data) {
        tree = t;
        Object[] vars = new Object[t.frame];
        vars[0] = data;
        t.compiled.run(this, data, vars);
    }

    // ---- errors ----

    TemplateException error(String msg) {
        return error(msg, null);
    }

    TemplateException error(String msg, Throwable cause) {
        String name = tree.name;
        if (node == null) {
            return new TemplateException("template: " + name + ": " + msg, cause);
        }
        return new TemplateException("template: " + location(tree, node) + ": executing " + GoFmt.quote(name)
                + " at <" + node + ">: " + msg, cause);
    }

    static String location(Parser.Tree t, Node n) {
        String text = t.text;
        int pos = Math.min(n.pos, text.length());
        int nl = text.lastIndexOf('\n', pos - 1);
        int col = nl < 0 ? pos : pos - nl - 1;
        int line = 1;
        for (int i = 0; i < pos; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return t.parseName + ":" + line + ":" + col;
    }

    // ---- statements (the steps themselves are in Compiler) ----

    void print(Object v) {
        StringBuilder out = ctx.out;
        if (v instanceof String s) {
            out.append(s);
        } else if (v == Values.MISSING || v == Values.NIL_IFACE) {
            out.append("<no value>");
        } else if (v instanceof Long l) {
            out.append(l.longValue());
        } else {
            GoFmt.value(out, v, 0);
        }
    }

    void callTemplate(Object dot, Node.TemplateCall c, Compiler.Expr pipe, Object[] vars) {
        node = c;
        Parser.Tree t = trees.get(c.name);
        if (t == null) {
            throw error("template " + GoFmt.quote(c.name) + " not defined");
        }
        if (depth >= MAX_DEPTH) {
            throw error("exceeded maximum template depth (" + MAX_DEPTH + ")");
        }
        Object nd = pipe == null ? Values.MISSING : pipe.eval(this, dot, vars);
        Parser.Tree saveTree = tree;
        lastCall = c;
        lastCallTree = saveTree;
        depth++;
        tree = t;
        Object[] nv = new Object[t.frame];
        nv[0] = nd;
        try {
            t.compiled.run(this, nd, nv);
        } finally {
            depth--;
            tree = saveTree;
        }
    }

    /** Runs a range; returns NEXT, or CONTINUE from its else list (for an outer range). */
    int range(Object dot, Compiler.Range r, Object[] vars) {
        node = r.node;
        Items items = rangeItems(r.pipe.eval(this, dot, vars), r);
        Node.Var[] decl = r.node.pipe.decl;
        int n = items.size;
        for (int i = 0; i < n; i++) {
            Object e = items.elem(i);
            if (decl.length == 2) {
                set(decl[0], vars, items.key(i));
                set(decl[1], vars, e);
            } else if (decl.length == 1) {
                set(decl[0], vars, e);
            }
            if (r.body.run(this, e, vars) == Compiler.BREAK) {
                break;
            }
        }
        return n == 0 && r.els != null ? rangeElse(r.els.run(this, dot, vars)) : Compiler.NEXT;
    }

    /** Go recovers a break from a range's else list in that range too; a continue goes outward. */
    static int rangeElse(int flow) {
        return flow == Compiler.CONTINUE ? Compiler.CONTINUE : Compiler.NEXT;
    }

    /** What a range iterates over, Go's way; or Go's error for what it cannot iterate over. */
    Items rangeItems(Object val, Compiler.Range r) {
        if (val instanceof List<?> l) {
            return new Items(Items.LIST, l, null, l.size());
        }
        if (val instanceof Map<?, ?> m) {
            // keys sorted before the first iteration, as Go's fmtsort does; values read as the range goes
            Object[] es = r.sortedEntries(m);
            return new Items(Items.MAP, null, es, es.length);
        }
        if (val == null || val == Values.MISSING || val == Values.NIL_IFACE) {
            return Items.NONE; // like an empty map
        }
        if (val.getClass().isArray() || val instanceof java.util.Collection<?>) {
            List<?> l = Values.asList(val);
            return new Items(Items.OTHER, l, null, l.size());
        }
        if (Values.isInt(val)) {
            // Go 1.22+: range over an integer
            if (r.node.pipe.decl.length > 1) {
                throw error("can't use " + GoFmt.v(val) + " to iterate over more than one variable");
            }
            long n = Values.toLong(val);
            return new Items(Items.INT, null, null, (int) Math.max(0, Math.min(n, Integer.MAX_VALUE)));
        }
        throw error("range can't iterate over " + GoFmt.v(val)); // at the pipeline's last node, as in Go
    }

    /** The elements of one range, read by index (their keys too); lists are read as the range goes. */
    static final class Items {
        static final int LIST = 0;
        static final int OTHER = 1;
        static final int MAP = 2;
        static final int INT = 3;
        static final Items NONE = new Items(OTHER, List.of(), null, 0);

        private final int kind;
        private final List<?> list;
        private final Object[] entries;
        final int size;

        Items(int kind, List<?> list, Object[] entries, int size) {
            this.kind = kind;
            this.list = list;
            this.entries = entries;
            this.size = size;
        }

        /** Dot in the body, and the value of the range's last variable. */
        Object elem(int i) {
            switch (kind) {
                case LIST: {
                    Object e = list.get(i);
                    return e == null ? Values.NIL_IFACE : e;
                }
                case OTHER:
                    return list.get(i);
                case MAP: {
                    Object e = ((Map.Entry<?, ?>) entries[i]).getValue();
                    return e == null ? Values.NIL_IFACE : e;
                }
                default:
                    return (long) i;
            }
        }

        /** The index or map key: the first of a range's two variables. */
        Object key(int i) {
            return kind == MAP ? ((Map.Entry<?, ?>) entries[i]).getKey() : (Object) (long) i;
        }
    }

    void set(Node.Var v, Object[] vars, Object value) {
        if (v.slot < 0) {
            throw error("undefined variable: " + v.name); // at the pipeline's last node, as in Go
        }
        vars[v.slot] = Compiler.noNil(value);
    }

    // ---- expressions ----

    Object pipeline(Object dot, Node.Pipe pipe, Object[] vars) {
        Object value = NO_FINAL;
        for (Node.Command cmd : pipe.cmds) {
            value = Compiler.noNil(command(dot, cmd, value, vars));
        }
        for (Node.Var v : pipe.decl) {
            set(v, vars, value);
        }
        return value;
    }

    Object command(Object dot, Node.Command cmd, Object fin, Object[] vars) {
        Node first = cmd.args[0];
        if (first instanceof Node.Field f) {
            node = f;
            return fieldChain(dot, dot, f, f.fields, f.sites, cmd.args, fin, vars);
        }
        if (first instanceof Node.Chain c) {
            return chain(dot, c, cmd.args, fin, vars);
        }
        if (first instanceof Node.Ident id) {
            node = id;
            return call(dot, id.func, cmd, id.name, cmd.args, fin, vars);
        }
        if (first instanceof Node.Pipe p) {
            notAFunction(cmd.args, fin);
            return pipeline(dot, p, vars);
        }
        if (first instanceof Node.Var v) {
            return variable(dot, v, cmd.args, fin, vars);
        }
        node = first;
        notAFunction(cmd.args, fin);
        if (first instanceof Node.Bool b) {
            return b.value;
        }
        if (first instanceof Node.Dot) {
            return dot;
        }
        if (first instanceof Node.Nil) {
            throw error("nil is not a command");
        }
        if (first instanceof Node.Num n) {
            return ideal(n);
        }
        if (first instanceof Node.Str s) {
            return s.value;
        }
        throw error("can't evaluate command " + GoFmt.quote(first.toString()));
    }

    private Object ideal(Node.Num n) {
        if (n.ideal == null) {
            throw error(n.text + " overflows int");
        }
        return n.ideal;
    }

    void notAFunction(Node[] args, Object fin) {
        if (args.length > 1 || fin != NO_FINAL) {
            throw error("can't give argument to non-function " + args[0]);
        }
    }

    Object variable(Object dot, Node.Var v, Node[] args, Object fin, Object[] vars) {
        node = v;
        Object value = vars[v.slot];
        if (v.fields.length == 0) {
            if (args != null) {
                notAFunction(args, fin);
            }
            return value;
        }
        return fieldChain(dot, value, v, v.fields, v.sites, args, fin, vars);
    }

    private Object chain(Object dot, Node.Chain c, Node[] args, Object fin, Object[] vars) {
        node = c;
        if (c.node instanceof Node.Nil) {
            throw error("indirection through explicit nil in " + c);
        }
        Object recv = arg(dot, GoType.VALUE, c.node, vars, true);
        node = c;
        return fieldChain(dot, recv, c, c.fields, c.sites, args, fin, vars);
    }

    Object fieldChain(Object dot, Object recv, Node n, String[] fields, Node.Site[] sites, Node[] args, Object fin,
            Object[] vars) {
        return fieldChain(dot, recv, n, fields, sites, 0, args, fin, vars);
    }

    /** The chain from fields[start] on, recv being the value before it. */
    Object fieldChain(Object dot, Object recv, Node n, String[] fields, Node.Site[] sites, int start, Node[] args, Object fin,
            Object[] vars) {
        int last = fields.length - 1;
        for (int i = start; i < last; i++) {
            recv = field(dot, fields[i], sites, i, n, null, NO_FINAL, recv, vars);
        }
        return field(dot, fields[last], sites, last, n, args, fin, recv, vars);
    }

    private Object field(Object dot, String name, Node.Site[] sites, int idx, Node n, Node[] args, Object fin, Object recv,
            Object[] vars) {
        if (recv == Values.MISSING) {
            return Values.MISSING;
        }
        if (recv == Values.NIL_IFACE) {
            node = n;
            throw error("nil pointer evaluating interface {}." + name);
        }
        if (recv == null) {
            node = n;
            throw error("nil pointer evaluating " + "*" + "struct." + name);
        }
        boolean hasArgs = (args != null && args.length > 1) || fin != NO_FINAL;
        if (recv instanceof Map<?, ?> m) {
            if (hasArgs) {
                node = n;
                throw error(name + " is not a method but has arguments");
            }
            Object v = m.get(name);
            if (v == null) {
                return m.containsKey(name) ? Values.NIL_IFACE : Values.MISSING;
            }
            return v;
        }
        if (recv instanceof String || recv instanceof Number || recv instanceof Boolean || recv instanceof List<?>
                || recv instanceof Func || recv.getClass().isArray()) {
            node = n;
            throw error("can't evaluate field " + name + " in type " + Values.typeName(recv));
        }
        Class<?> cls = recv.getClass();
        Node.Site site = sites[idx];
        Values.Member mem;
        if (site != null && site.cls == cls) {
            mem = site.mem;
        } else {
            mem = Values.member(cls, name);
            sites[idx] = new Node.Site(cls, mem);
        }
        if (mem == null) {
            node = n;
            throw error("can't evaluate field " + name + " in type " + Values.typeName(recv));
        }
        if (mem.field != null) {
            if (hasArgs) {
                node = n;
                throw error(name + " has arguments but cannot be invoked as function");
            }
            try {
                return mem.field.get(recv);
            } catch (IllegalAccessException e) {
                node = n;
                throw error(name + " is an unexported field of struct type " + Values.typeName(recv));
            }
        }
        return callMethod(dot, recv, mem, n, name, args, fin, vars);
    }

    private Object callMethod(Object dot, Object recv, Values.Member mem, Node n, String name, Node[] args, Object fin, Object[] vars) {
        Object[] argv = buildArgs(dot, mem.params, mem.variadic, n, name, args, fin, vars);
        try {
            Object[] real = Values.adapt(mem, argv);
            return mem.method.invoke(recv, real);
        } catch (InvocationTargetException e) {
            node = n;
            Throwable c = e.getCause();
            if (c instanceof TemplateException te) {
                throw te;
            }
            throw error("error calling " + name + ": " + message(c), c);
        } catch (IllegalAccessException | IllegalArgumentException e) {
            node = n;
            throw error("error calling " + name + ": " + e.getMessage(), e);
        }
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** Evaluates arguments (args[0] is the function's own node) plus the piped value, Go style. */
    private Object[] buildArgs(Object dot, GoType[] params, boolean variadic, Node n, String name, Node[] args, Object fin, Object[] vars) {
        int nargs = args == null ? 0 : args.length - 1;
        int numIn = nargs + (fin != NO_FINAL ? 1 : 0);
        int numFixed = nargs;
        if (variadic) {
            numFixed = params.length - 1;
            if (numIn < numFixed) {
                throw error("wrong number of args for " + name + ": want at least " + numFixed + " got " + nargs);
            }
        } else if (numIn != params.length) {
            throw error("wrong number of args for " + name + ": want " + params.length + " got " + numIn);
        }
        Object[] argv = new Object[numIn];
        int i = 0;
        for (; i < numFixed && i < nargs; i++) {
            argv[i] = arg(dot, params[i], args[i + 1], vars, false);
        }
        if (variadic) {
            GoType et = params[params.length - 1];
            for (; i < nargs; i++) {
                argv[i] = arg(dot, et, args[i + 1], vars, false);
            }
        }
        if (fin != NO_FINAL) {
            GoType t = params[params.length - 1];
            if (variadic && numIn - 1 < numFixed) {
                t = params[numIn - 1];
            }
            argv[i] = validate(fin, t);
        }
        return argv;
    }

    private Object call(Object dot, Func f, Node cmd, String name, Node[] args, Object fin, Object[] vars) {
        if (f == Builtins.AND || f == Builtins.OR) {
            return andOr(dot, f == Builtins.OR, cmd, name, args, fin, vars);
        }
        Object[] argv = buildArgs(dot, f.params, f.variadic, cmd, name, args, fin, vars);
        if (f == Builtins.CALL) {
            Object fn = argv[0];
            try {
                return callValue(fn, Builtins.rest(argv));
            } catch (IllegalArgumentException e) {
                node = cmd;
                throw error("error calling call: " + e.getMessage(), e);
            }
        }
        return invoke(f, name, cmd, argv);
    }

    Object invoke(Func f, String name, Node cmd, Object[] argv) {
        try {
            return Compiler.result(f.body.call(ctx, argv));
        } catch (Exception | Error e) {
            throw Compiler.callFailed(this, e, cmd, name);
        }
    }

    private Object andOr(Object dot, boolean or, Node cmd, String name, Node[] args, Object fin, Object[] vars) {
        int nargs = args.length - 1;
        int numIn = nargs + (fin != NO_FINAL ? 1 : 0);
        if (numIn < 1) {
            node = cmd;
            throw error("wrong number of args for " + name + ": want at least 1 got " + nargs);
        }
        Object v = Values.MISSING;
        for (int i = 1; i < args.length; i++) {
            v = arg(dot, GoType.VALUE, args[i], vars, false);
            if (Values.truth(v) == or) {
                return v;
            }
        }
        if (fin != NO_FINAL) {
            v = validate(fin, GoType.VALUE);
        }
        return v;
    }

    /** Evaluates one argument node for a parameter of type {@code t} (Go's evalArg). */
    Object arg(Object dot, GoType t, Node n, Object[] vars, boolean untyped) {
        node = n;
        if (n instanceof Node.Var var) {
            Object v = variable(dot, var, null, NO_FINAL, vars);
            if (untyped) {
                return v;
            }
            node = n;
            return validate(v, t);
        }
        if (n instanceof Node.Str str && (t == GoType.STRING || t == GoType.ANY || t == GoType.VALUE)) {
            return str.value;
        }
        if (n instanceof Node.Dot) {
            return untyped ? dot : validate(dot, t);
        }
        if (n instanceof Node.Nil) {
            if (untyped || t.nillable()) {
                return t == GoType.VALUE ? Values.MISSING : null;
            }
            throw error("cannot assign nil to " + t.goName);
        }
        Object v;
        if (n instanceof Node.Field f) {
            v = fieldChain(dot, dot, f, f.fields, f.sites, null, NO_FINAL, vars);
        } else if (n instanceof Node.Pipe p) {
            v = pipeline(dot, p, vars);
        } else if (n instanceof Node.Ident id) {
            v = call(dot, id.func, id, id.name, null, NO_FINAL, vars);
        } else if (n instanceof Node.Chain c) {
            v = chain(dot, c, null, NO_FINAL, vars);
        } else {
            node = n;
            return literal(t, n);
        }
        if (untyped) {
            return v;
        }
        if (!(n instanceof Node.Pipe)) {
            node = n; // after a parenthesised pipeline Go reports the last node it evaluated
        }
        return validate(v, t);
    }

    private Object literal(GoType t, Node n) {
        switch (t) {
            case BOOL:
                if (n instanceof Node.Bool b) {
                    return b.value;
                }
                throw error("expected bool; found " + n);
            case STRING:
                if (n instanceof Node.Str s) {
                    return s.value;
                }
                throw error("expected string; found " + n);
            case INT:
                if (n instanceof Node.Num num && num.isInt) {
                    return num.intVal;
                }
                throw error("expected integer; found " + n);
            case FLOAT64:
                if (n instanceof Node.Num num && num.isFloat) {
                    return num.floatVal;
                }
                throw error("expected float; found " + n);
            case ANY:
            case VALUE:
                if (n instanceof Node.Bool b) {
                    return b.value;
                }
                if (n instanceof Node.Num num) {
                    return ideal(num);
                }
                if (n instanceof Node.Str s) {
                    return s.value;
                }
                throw error("can't handle " + n + " for arg of type " + t.goName);
            default:
                throw error("can't handle " + n + " for arg of type " + t.goName);
        }
    }

    /** Go's validateType: a computed value passed to a parameter of type t. */
    Object validate(Object v, GoType t) {
        if (v instanceof String && (t == GoType.STRING || t == GoType.VALUE)) {
            return v;
        }
        if (t == GoType.ANY) {
            return v == Values.MISSING || v == Values.NIL_IFACE ? null : v;
        }
        if (t == GoType.VALUE) {
            return Compiler.noNil(v);
        }
        if (v == Values.MISSING) {
            if (t.nillable()) {
                return null;
            }
            throw error("invalid value; expected " + t.goName);
        }
        if (v == Values.NIL_IFACE) {
            throw error("wrong type for value; expected " + t.goName + "; got interface {}");
        }
        if (v == null) {
            if (t.nillable()) {
                return null;
            }
            throw error("invalid value; expected " + t.goName);
        }
        Object r = t.accept(v);
        if (r == null) {
            throw error("wrong type for value; expected " + t.goName + "; got " + Values.typeName(v));
        }
        return r;
    }

    // used by the builtin "call"
    Object callValue(Object fn, Object[] args) {
        if (fn instanceof Func f) {
            int n = args.length;
            if (f.variadic ? n < f.params.length - 1 : n != f.params.length) {
                throw new IllegalArgumentException("wrong number of args for " + f.name + ": got " + n + " want " + f.params.length);
            }
            Object[] conv = new Object[n];
            for (int i = 0; i < n; i++) {
                GoType t = i < f.params.length ? f.params[i] : f.params[f.params.length - 1];
                if (f.variadic && i >= f.params.length - 1) {
                    t = f.params[f.params.length - 1];
                }
                Object a = args[i] == Values.MISSING ? null : args[i];
                if (t != GoType.ANY && t != GoType.VALUE && (a == null ? !t.nillable() : t.accept(a) == null)) {
                    throw new IllegalArgumentException("arg " + i + ": value has type " + Values.typeName(a) + "; should be " + t.goName);
                }
                conv[i] = t == GoType.ANY || a == null ? a : t.accept(a);
            }
            return invoke(f, f.name, node, conv);
        }
        if (fn == null || fn == Values.MISSING) {
            throw new IllegalArgumentException("call of nil");
        }
        throw new IllegalArgumentException("non-function of type " + Values.typeName(fn));
    }
}
