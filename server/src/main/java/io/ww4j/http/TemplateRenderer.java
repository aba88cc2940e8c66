package io.ww4j.http;

import java.nio.file.Path;
import java.util.Map;

/** Renders an iPXE/GRUB template file (Go text/template syntax) with the data of spec §2.1. */
public interface TemplateRenderer {
    String render(Path template, Map<String, Object> data) throws TemplateFailure;

    /** Parse or execution error: the request gets a 500 and no partial output. */
    final class TemplateFailure extends Exception {
        public TemplateFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
