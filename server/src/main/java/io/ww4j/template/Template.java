package io.ww4j.template;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed Go text/template. Parse once, execute many times (thread-safe):
 *
 * <pre>
 * Template t = Template.parse("motd.ww", text, Functions.sprig());
 * RenderResult r = t.execute(data);   // r.text(), r.outputs(), r.aborted(), r.backup()
 * </pre>
 *
 * Errors are {@link TemplateException}s worded as Go words them. Go's builtins are always
 * present; {@code funcs} are layered on top of them.
 */
public final class Template {
    private final String name;
    private final Map<String, Parser.Tree> trees;
    /** Size of the last output: the next execution's buffer starts that big (no regrowth). */
    private volatile int sizeHint = 256;
    private volatile Analysis analysis;

    private Template(String name, Map<String, Parser.Tree> trees, int generateAfter) {
        this.name = name;
        this.trees = trees;
        this.generateAfter = generateAfter;
    }

    /** Parses with Go's builtins only. */
    public static Template parse(String name, String text) {
        return parse(name, text, Map.of());
    }

    /** Parses {@code text} as template {@code name}; {@code funcs} may be used by the template. */
    public static Template parse(String name, String text, Map<String, Func> funcs) {
        return parse(name, text, funcs, GENERATE_AFTER);
    }

    /**
     * Executions after which the template is compiled to a class of its own (CodeGen). Generating
     * one costs about as much CPU as this many executions save, so templates rendered once or a few
     * times (wwctl template render, BMC commands) never pay for it, and overlay templates rendered
     * for every node do.
     */
    static final int GENERATE_AFTER = 100;

    /** {@code generateAfter}: executions before generating code; 0 at once, MAX_VALUE never (tests). */
    static Template parse(String name, String text, Map<String, Func> funcs, int generateAfter) {
        Map<String, Func> all = new HashMap<>(Builtins.ALL);
        all.putAll(funcs);
        Map<String, Parser.Tree> trees = new HashMap<>();
        Parser.parse(name, text, all, trees);
        for (Parser.Tree t : trees.values()) {
            t.compiled = Compiler.compile(t.root);
        }
        Template tpl = new Template(name, Map.copyOf(trees), generateAfter);
        if (generateAfter == 0) {
            tpl.generate();
        }
        return tpl;
    }

    /** Executions so far, counted loosely (a lost update only delays generating) until it is done. */
    private volatile int runs;
    private final int generateAfter;

    private void counted() {
        int n = runs;
        if (n < generateAfter) {
            runs = ++n;
            if (n == generateAfter) {
                generate();
            }
        }
    }

    private synchronized void generate() {
        for (Parser.Tree t : trees.values()) {
            if (!CodeGen.isGenerated(t.compiled)) {
                t.compiled = CodeGen.generate(t.name, t.compiled);
            }
        }
        runs = Integer.MAX_VALUE;
    }

    /** Whether every tree of this template runs as generated code (for tests). */
    boolean generated() {
        return trees.values().stream().allMatch(t -> CodeGen.isGenerated(t.compiled));
    }

    public String name() {
        return name;
    }

    /** Names of all templates defined by the text ({@code define}, {@code block}) and the main one. */
    public Set<String> templateNames() {
        return Collections.unmodifiableSet(trees.keySet());
    }

    /**
     * The top-level fields of the data that the main template reads (through {@code .X} with dot
     * at the root, or {@code $.X}); empty when it uses the root value whole ({@code .} or
     * {@code $} alone) or calls another template. Two data values that agree on these fields
     * render alike, unless a function the template calls ({@link #functionsCalled()}) reads
     * state of its own.
     */
    public Optional<Set<String>> rootFieldsRead() {
        return analysis().rootFields();
    }

    /** The names of the functions the main template calls (builtins included). */
    public Set<String> functionsCalled() {
        return Set.copyOf(analysis().functions);
    }

    private Analysis analysis() {
        Analysis a = analysis;
        if (a == null) {
            a = Analysis.of(trees.get(name));
            analysis = a;
        }
        return a;
    }

    /** Executes the main template with {@code data} as dot. */
    public RenderResult execute(Object data) {
        return execute(name, data);
    }

    /** Executes the named template (the main one or a {@code define}d one). */
    public RenderResult execute(String templateName, Object data) {
        Parser.Tree t = trees.get(templateName);
        if (t == null) {
            throw new TemplateException("template: no template " + GoFmt.quote(templateName) + " associated with template "
                    + GoFmt.quote(name));
        }
        counted();
        // the output buffer of this thread's last execution is reused (no fresh buffer to zero each time);
        // an execution nested in a function call on the same thread finds none and makes its own
        StringBuilder[] spare = BUFFER.get();
        StringBuilder buf = spare[0];
        spare[0] = null;
        if (buf == null || buf.capacity() < sizeHint) {
            buf = new StringBuilder(sizeHint);
        }
        try {
            return run(t, templateName, data, buf);
        } finally {
            if (buf.capacity() <= MAX_SPARE) {
                buf.setLength(0);
                spare[0] = buf;
            }
        }
    }

    private static final ThreadLocal<StringBuilder[]> BUFFER = ThreadLocal.withInitial(() -> new StringBuilder[1]);
    /** Bigger buffers are dropped after use: a thread keeps at most this many chars around. */
    private static final int MAX_SPARE = 1 << 16;

    private RenderResult run(Parser.Tree t, String templateName, Object data, StringBuilder buf) {
        RenderContext ctx = new RenderContext(buf);
        Exec ex = new Exec(trees, ctx);
        try {
            ex.run(t, data == null ? Values.MISSING : data);
        } catch (RenderContext.Abort a) {
            // abort(): stop here; the result says so
        } catch (StackOverflowError e) {
            String where = ex.lastCall != null
                    ? Exec.location(ex.lastCallTree, ex.lastCall) + ": executing " + GoFmt.quote(ex.lastCallTree.name)
                            + " at <" + ex.lastCall + ">"
                    : templateName;
            throw new TemplateException("template: " + where + ": exceeded maximum template depth (" + Exec.MAX_DEPTH + ")");
        } catch (TemplateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TemplateException("template: " + templateName + ": internal error: " + Exec.message(e), e);
        }
        int n = ctx.out.length() + 16;
        if (n > sizeHint && n < (1 << 24)) {
            sizeHint = n;
        }
        return ctx.result();
    }

    /** Executes and returns the default output's text. */
    public String render(Object data) {
        return execute(data).text();
    }
}
