package io.ww4j.http;

import java.nio.file.Path;

/** Renders an iPXE/GRUB template file (Go text/template + sprig) with {@link IpxeVars} or other data. */
public interface TemplateRenderer {
    String render(Path template, Object data) throws TemplateFailure;

    /** Parse or execution error, worded as Go words it: the request gets a 500 and no partial output. */
    final class TemplateFailure extends Exception {
        private static final long serialVersionUID = 1L;

        public TemplateFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
