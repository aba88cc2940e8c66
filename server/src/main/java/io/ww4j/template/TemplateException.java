package io.ww4j.template;

/**
 * A parse or execution error, worded as Go's text/template words it, e.g.
 * {@code template: motd:3:14: executing "motd" at <.Foo>: nil pointer evaluating ...}.
 */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TemplateException(String message) {
        super(message, null, false, false);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
