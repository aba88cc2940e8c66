package io.ww4j.template;

/**
 * A Java value whose Go kind is string, like Warewulf's {@code WWbool} ({@code type WWbool string}):
 * templates see it as a string for truth ({@code {{if}}} is true when non-empty), {@code len},
 * {@code eq}/{@code lt} comparisons and printing, while its methods stay callable
 * ({@code .OnBoot.Bool}).
 */
public interface GoString {
    /** The underlying string value. */
    String stringValue();
}
