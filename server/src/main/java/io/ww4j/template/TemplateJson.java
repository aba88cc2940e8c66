package io.ww4j.template;

/** JSON as template data, decoded the way Go's encoding/json does with whole numbers as int. */
public final class TemplateJson {
    private TemplateJson() {}

    /** Objects become {@link AnyMap}s, arrays lists, numbers Long (whole) or Double. */
    public static Object parse(String json) {
        return Json.parse(json, true);
    }

    /** Go's json.Marshal of a template value (sorted keys, HTML-safe). */
    public static String marshal(Object value) {
        return Json.marshal(value, "", true);
    }
}
