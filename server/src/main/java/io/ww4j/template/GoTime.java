package io.ww4j.template;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Go's reference-time layouts ("2006-01-02 15:04:05") applied to java.time values. */
final class GoTime {
    private GoTime() {}

    private static final String[] TOKENS = {
        "January", "Jan", "Monday", "Mon", "MST", "2006", "Z07:00", "Z0700", "Z07", "-07:00:00", "-07:00", "-0700",
        "-07", "01", "02", "_2", "15", "03", "04", "05", "06", "PM", "pm", ".000000000", ".000000", ".000",
        ".999999999", ".999999", ".999", "1", "2", "3", "4", "5",
    };

    static String format(ZonedDateTime t, String layout) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        outer:
        while (i < layout.length()) {
            for (String tok : TOKENS) {
                if (layout.startsWith(tok, i)) {
                    // "Jan"/"Mon" and digits must not be followed by lower-case (Go's rule for words)
                    if ((tok.equals("Jan") || tok.equals("Mon")) && i + 3 < layout.length()
                            && Character.isLowerCase(layout.charAt(i + 3))) {
                        continue;
                    }
                    b.append(value(t, tok));
                    i += tok.length();
                    continue outer;
                }
            }
            b.append(layout.charAt(i++));
        }
        return b.toString();
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private static String offset(ZonedDateTime t, boolean z, String sep, boolean hoursOnly, boolean secs) {
        int off = t.getOffset().getTotalSeconds();
        if (z && off == 0) {
            return "Z";
        }
        char sign = off < 0 ? '-' : '+';
        off = Math.abs(off);
        String r = sign + two(off / 3600);
        if (!hoursOnly) {
            r += sep + two(off / 60 % 60);
        }
        if (secs) {
            r += sep + two(off % 60);
        }
        return r;
    }

    private static String value(ZonedDateTime t, String tok) {
        switch (tok) {
            case "January": return t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case "Jan": return t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case "Monday": return t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case "Mon": return t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case "MST": {
                String z = t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                return z.equals("Z") ? "UTC" : z;
            }
            case "2006": return Integer.toString(t.getYear());
            case "06": return two(t.getYear() % 100);
            case "Z07:00": return offset(t, true, ":", false, false);
            case "Z0700": return offset(t, true, "", false, false);
            case "Z07": return offset(t, true, "", true, false);
            case "-07:00:00": return offset(t, false, ":", false, true);
            case "-07:00": return offset(t, false, ":", false, false);
            case "-0700": return offset(t, false, "", false, false);
            case "-07": return offset(t, false, "", true, false);
            case "01": return two(t.getMonthValue());
            case "1": return Integer.toString(t.getMonthValue());
            case "02": return two(t.getDayOfMonth());
            case "_2": return t.getDayOfMonth() < 10 ? " " + t.getDayOfMonth() : Integer.toString(t.getDayOfMonth());
            case "2": return Integer.toString(t.getDayOfMonth());
            case "15": return two(t.getHour());
            case "03": return two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
            case "3": return Integer.toString(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
            case "04": return two(t.getMinute());
            case "4": return Integer.toString(t.getMinute());
            case "05": return two(t.getSecond());
            case "5": return Integer.toString(t.getSecond());
            case "PM": return t.getHour() >= 12 ? "PM" : "AM";
            case "pm": return t.getHour() >= 12 ? "pm" : "am";
            default:
                if (tok.startsWith(".0") || tok.startsWith(".9")) {
                    int n = tok.length() - 1;
                    String frac = String.format("%09d", t.getNano()).substring(0, n);
                    if (tok.charAt(1) == '9') {
                        frac = frac.replaceAll("0+$", "");
                        return frac.isEmpty() ? "" : "." + frac;
                    }
                    return "." + frac;
                }
                return tok;
        }
    }
}
