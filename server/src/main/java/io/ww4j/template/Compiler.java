package io.ww4j.template;

/**
 * Parse-time specialisation: turns a parse tree into step objects that execute without
 * re-inspecting node kinds. Literal arguments are converted to their parameter types once,
 * function calls whose arity is known to fit are bound to their function with pre-built argument
 * evaluators, variables read their frame slot directly. Anything unusual (wrong arity, arguments
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

    /** One argument of a bound function call, converted for its parameter type. */
    abstract static class Arg {
        abstract Object eval(Exec ex, Object dot, Object[] vars);
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
            return a.pipe.decl.length == 0 ? new Print(a, e) : new Declare(a, e);
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
        private final String text;

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
        private final Step[] steps;

        Seq(Step[] steps) {
            this.steps = steps;
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            for (Step s : steps) {
                int f = s.run(ex, dot, vars);
                if (f != NEXT) {
                    return f;
                }
            }
            return NEXT;
        }
    }

    static final class Print extends Step {
        private final Node.Action node;
        private final Expr pipe;

        Print(Node.Action node, Expr pipe) {
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

    static final class Declare extends Step {
        private final Node.Action node;
        private final Expr pipe;

        Declare(Node.Action node, Expr pipe) {
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
        private final Node.Branch node;
        private final Expr pipe;
        private final Step then;
        private final Step els;
        private final boolean with;

        If(Node.Branch node, Expr pipe, Step then, Step els, boolean with) {
            this.node = node;
            this.pipe = pipe;
            this.then = then;
            this.els = els;
            this.with = with;
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            ex.node = node;
            Object v = pipe.eval(ex, dot, vars);
            if (Values.truth(v)) {
                return then.run(ex, with ? v : dot, vars);
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
    }

    static final class Call extends Step {
        private final Node.TemplateCall node;
        private final Expr pipe;

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
        private final int code;

        private Flow(int code) {
            this.code = code;
        }

        @Override
        int run(Exec ex, Object dot, Object[] vars) {
            return code;
        }
    }

    static final class Unknown extends Step {
        private final Node node;

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
        private final Cmd cmd;

        Single(Cmd cmd) {
            this.cmd = cmd;
        }

        @Override
        Object eval(Exec ex, Object dot, Object[] vars) {
            Object v = cmd.eval(ex, dot, Exec.NO_FINAL, vars);
            return v == Values.NIL_IFACE ? Values.MISSING : v;
        }
    }

    static final class Pipeline extends Expr {
        private final Cmd[] cmds;
        private final Node.Var[] decl;

        Pipeline(Cmd[] cmds, Node.Var[] decl) {
            this.cmds = cmds;
            this.decl = decl;
        }

        @Override
        Object eval(Exec ex, Object dot, Object[] vars) {
            Object value = Exec.NO_FINAL;
            for (Cmd c : cmds) {
                value = c.eval(ex, dot, value, vars);
                if (value == Values.NIL_IFACE) {
                    value = Values.MISSING;
                }
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
            return v.fields.length == 0 && plain ? new VarRef(v) : new VarFields(v, cmd.args);
        }
        if (first instanceof Node.Field f) {
            return new DotFields(f, cmd.args);
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
        private final Node.Command cmd;

        General(Node.Command cmd) {
            this.cmd = cmd;
        }

        @Override
        Object eval(Exec ex, Object dot, Object fin, Object[] vars) {
            return ex.command(dot, cmd, fin, vars);
        }
    }

    static final class VarRef extends Cmd {
        private final Node.Var var;
        private final int slot;

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
        private final Node.Var var;
        private final Node[] args;

        VarFields(Node.Var var, Node[] args) {
            this.var = var;
            this.args = args;
        }

        @Override
        Object eval(Exec ex, Object dot, Object fin, Object[] vars) {
            return ex.variable(dot, var, args, fin, vars);
        }
    }

    static final class DotFields extends Cmd {
        private final Node.Field f;
        private final Node[] args;

        DotFields(Node.Field f, Node[] args) {
            this.f = f;
            this.args = args;
        }

        @Override
        Object eval(Exec ex, Object dot, Object fin, Object[] vars) {
            ex.node = f;
            return ex.fieldChain(dot, dot, f, f.fields, f.sites, args, fin, vars);
        }
    }

    static final class Literal extends Cmd {
        private final Node node;
        private final Object value;

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
        Arg[] args = new Arg[nargs];
        for (int i = 0; i < nargs; i++) {
            GoType t = i < numFixed ? f.params[i] : f.params[f.params.length - 1];
            args[i] = arg(cmd.args[i + 1], t);
        }
        GoType finType = null;
        if (piped) {
            finType = f.params[f.params.length - 1];
            if (f.variadic && numIn - 1 < numFixed) {
                finType = f.params[numIn - 1];
            }
        }
        return new Bound(cmd, id, f, args, finType);
    }

    static final class Bound extends Cmd {
        private final Node.Command cmd;
        private final Node.Ident id;
        private final Func f;
        private final Arg[] args;
        private final GoType finType;

        Bound(Node.Command cmd, Node.Ident id, Func f, Arg[] args, GoType finType) {
            this.cmd = cmd;
            this.id = id;
            this.f = f;
            this.args = args;
            this.finType = finType;
        }

        @Override
        Object eval(Exec ex, Object dot, Object fin, Object[] vars) {
            ex.node = id;
            int n = args.length;
            Object[] argv = new Object[finType == null ? n : n + 1];
            for (int i = 0; i < n; i++) {
                argv[i] = args[i].eval(ex, dot, vars);
            }
            if (finType != null) {
                argv[n] = ex.validate(fin, finType);
            }
            return ex.invoke(f, id.name, cmd, argv);
        }
    }

    // ---- arguments ----

    static Arg arg(Node n, GoType t) {
        if (n instanceof Node.Var v) {
            return v.fields.length == 0 ? new VarArg(v, t) : new GeneralArg(n, t);
        }
        if (n instanceof Node.Dot) {
            return new DotArg(n, t);
        }
        Object c = constant(n, t);
        if (c != null) {
            return new Const(n, c == NIL ? null : c);
        }
        return new GeneralArg(n, t);
    }

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

    static final class Const extends Arg {
        private final Node node;
        private final Object value;

        Const(Node node, Object value) {
            this.node = node;
            this.value = value;
        }

        @Override
        Object eval(Exec ex, Object dot, Object[] vars) {
            ex.node = node;
            return value;
        }
    }

    static final class VarArg extends Arg {
        private final Node.Var var;
        private final int slot;
        private final GoType type;

        VarArg(Node.Var var, GoType type) {
            this.var = var;
            this.slot = var.slot;
            this.type = type;
        }

        @Override
        Object eval(Exec ex, Object dot, Object[] vars) {
            ex.node = var;
            return ex.validate(vars[slot], type);
        }
    }

    static final class DotArg extends Arg {
        private final Node node;
        private final GoType type;

        DotArg(Node node, GoType type) {
            this.node = node;
            this.type = type;
        }

        @Override
        Object eval(Exec ex, Object dot, Object[] vars) {
            ex.node = node;
            return ex.validate(dot, type);
        }
    }

    static final class GeneralArg extends Arg {
        private final Node node;
        private final GoType type;

        GeneralArg(Node node, GoType type) {
            this.node = node;
            this.type = type;
        }

        @Override
        Object eval(Exec ex, Object dot, Object[] vars) {
            return ex.arg(dot, type, node, vars, false);
        }
    }
}
