package io.ww4j.http;

import java.nio.file.Path;

/**
 * Renders a {@code .ww} file of {@code /files/} for one node with the overlay engine's functions and
 * data (spec/protocol.md §1.6 and §2.1b), as {@code /files/<path>?render} asks.
 */
public interface FileRenderer {
    /** The default output of {@code template} rendered for node {@code nodeId}. */
    String render(String nodeId, Path template) throws TemplateRenderer.TemplateFailure;

    /** No renderer (no node store wired): every render is a failure that says so. */
    FileRenderer NONE = (nodeId, template) -> {
        throw new TemplateRenderer.TemplateFailure("no node store to render " + template + " for " + nodeId, null);
    };
}
