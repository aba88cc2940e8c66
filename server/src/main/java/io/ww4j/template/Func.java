package io.ww4j.template;

import java.util.Arrays;

/**
 * A template function: its Go signature (for Go's argument conversion and arity errors) and a
 * body. A body that throws fails the template with {@code error calling NAME: message}.
 */
public final class Func {
    /** The code of a function; {@code ctx} gives access to the render's output slots and flags. */
    @FunctionalInterface
    public interface Body {
        Object call(RenderContext ctx, Object[] args) throws Exception;
    }

    final String name;
    final GoType[] params;
    final boolean variadic;
    final Body body;

    private Func(String name, Body body, boolean variadic, GoType... params) {
        this.name = name;
        this.params = params;
        this.variadic = variadic;
        this.body = body;
    }

    /** A function with exactly these parameters. */
    public static Func of(String name, Body body, GoType... params) {
        return new Func(name, body, false, params);
    }

    /** A variadic function: the last type is the element type of the {@code ...} parameter. */
    public static Func variadic(String name, Body body, GoType... params) {
        if (params.length == 0) {
            throw new IllegalArgumentException("variadic function needs a parameter");
        }
        return new Func(name, body, true, params);
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(params) + (variadic ? "..." : "");
    }
}
