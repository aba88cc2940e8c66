package io.ww4j.template;

import java.util.List;

/**
 * What one execution produced. {@code outputs} holds the default slot first (name null), then one
 * entry per {@code file()} call in order; a slot with a {@code symlink} target is a link whose
 * text is ignored. {@code aborted} is set by Warewulf's {@code abort()}, {@code backup} cleared by
 * {@code nobackup()}.
 */
public record RenderResult(List<Output> outputs, boolean aborted, boolean backup) {

    /** One output slot. */
    public record Output(String name, String content, String symlink) {
        public boolean isSymlink() {
            return symlink != null;
        }
    }

    /** The default slot's text: everything written before the first {@code file()} call. */
    public String text() {
        return outputs.get(0).content();
    }

    /** True when {@code file()} opened named slots. */
    public boolean hasNamedOutputs() {
        return outputs.size() > 1;
    }
}
