package io.ww4j.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Splits template text into tokens, following the rules of Go's text/template lexer. */
final class Lexer {
    enum Kind {
        TEXT, LEFT, RIGHT, SPACE, IDENT, FIELD, VAR, STRING, RAW, CHAR, NUMBER, BOOL, NIL, DOT,
        LPAREN, RPAREN, PIPE, DECLARE, ASSIGN, COMMA, OTHER_CHAR,
        IF, ELSE, END, RANGE, WITH, DEFINE, TEMPLATE, BLOCK, BREAK, CONTINUE, EOF, ERROR
    }

    record Token(Kind kind, String val, int pos, int line) {
        @Override
        public String toString() {
            switch (kind) {
                case EOF:
                    return "EOF";
                case ERROR:
                    return val;
                default:
                    if (kind.ordinal() >= Kind.IF.ordinal()) {
                        return "<" + val + ">";
                    }
                    return val.length() > 10 ? "\"" + val.substring(0, 10) + "\"..." : "\"" + val + "\"";
            }
        }
    }

    private static final Map<String, Kind> KEYWORDS = Map.of(
            "if", Kind.IF, "else", Kind.ELSE, "end", Kind.END, "range", Kind.RANGE,
            "with", Kind.WITH, "define", Kind.DEFINE, "template", Kind.TEMPLATE,
            "block", Kind.BLOCK, "break", Kind.BREAK, "continue", Kind.CONTINUE);

    private final String in;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int start;
    private int line = 1;
    private int startLine = 1;
    private int parenDepth;

    private Lexer(String in) {
        this.in = in;
    }

    static List<Token> lex(String text) {
        Lexer l = new Lexer(text);
        l.run();
        return l.out;
    }

    private void run() {
        while (true) {
            if (!lexText()) {
                return;
            }
            if (!lexAction()) {
                return;
            }
        }
    }

    private void emit(Kind k) {
        out.add(new Token(k, in.substring(start, pos), start, startLine));
        start = pos;
        startLine = line;
    }

    private void ignore() {
        line += count(in, start, pos);
        start = pos;
        startLine = line;
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private void error(String msg) {
        out.add(new Token(Kind.ERROR, msg, start, startLine));
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** Text up to the next "{{"; returns false at end of input. */
    private boolean lexText() {
        int x = in.indexOf("{{", pos);
        if (x < 0) {
            pos = in.length();
            if (pos > start) {
                line += count(in, start, pos);
                emit(Kind.TEXT);
            }
            out.add(new Token(Kind.EOF, "", pos, line));
            return false;
        }
        pos = x;
        int end = x;
        boolean trim = in.length() >= x + 4 && in.charAt(x + 2) == '-' && isSpace(in.charAt(x + 3));
        if (trim) {
            while (end > start && isSpace(in.charAt(end - 1))) {
                end--;
            }
        }
        if (end > start) {
            int save = pos;
            pos = end;
            line += count(in, start, pos);
            emit(Kind.TEXT);
            pos = save;
        }
        // skip the trimmed space
        line += count(in, start, pos);
        start = pos;
        startLine = line;
        return true;
    }

    private boolean atRightDelim(int p) {
        return in.startsWith("}}", p);
    }

    private boolean atRightTrim(int p) {
        return p + 3 < in.length() + 0 && p + 4 <= in.length() && isSpace(in.charAt(p)) && in.charAt(p + 1) == '-'
                && in.startsWith("}}", p + 2);
    }

    /** Trims leading whitespace after a "-}}". */
    private void trimAfter() {
        while (pos < in.length() && isSpace(in.charAt(pos))) {
            pos++;
        }
        ignore();
    }

    /** From "{{" to "}}"; returns false after an error. */
    private boolean lexAction() {
        boolean trim = in.length() >= pos + 4 && in.charAt(pos + 2) == '-' && isSpace(in.charAt(pos + 3));
        pos += 2;
        if (trim) {
            pos += 2;
        }
        // comment?
        int p = pos;
        if (in.startsWith("/*", p)) {
            start = pos; // keep position
            int endc = in.indexOf("*/", p + 2);
            if (endc < 0) {
                error("unclosed comment");
                return false;
            }
            pos = endc + 2;
            if (atRightTrim(pos)) {
                pos += 4;
                ignore();
                trimAfter();
                return true;
            }
            if (atRightDelim(pos)) {
                pos += 2;
                ignore();
                return true;
            }
            error("comment ends before closing delimiter");
            return false;
        }
        int leftPos = trim ? pos - 4 : pos - 2;
        out.add(new Token(Kind.LEFT, "{{", leftPos, line));
        start = pos;
        startLine = line;
        parenDepth = 0;
        while (true) {
            if (atRightTrim(pos) || atRightDelim(pos)) {
                boolean rt = atRightTrim(pos);
                if (parenDepth != 0) {
                    error("unclosed left paren");
                    return false;
                }
                if (rt) {
                    pos += 2;
                    ignore();
                }
                pos += 2;
                emit(Kind.RIGHT);
                if (rt) {
                    trimAfter();
                }
                return true;
            }
            if (pos >= in.length()) {
                error("unclosed action");
                return false;
            }
            char c = in.charAt(pos);
            if (isSpace(c)) {
                while (pos < in.length() && isSpace(in.charAt(pos)) && !atRightTrim(pos)) {
                    pos++;
                }
                line += count(in, start, pos);
                emit(Kind.SPACE);
                continue;
            }
            switch (c) {
                case '=':
                    pos++;
                    emit(Kind.ASSIGN);
                    continue;
                case ':':
                    if (pos + 1 < in.length() && in.charAt(pos + 1) == '=') {
                        pos += 2;
                        emit(Kind.DECLARE);
                        continue;
                    }
                    error("expected :=");
                    return false;
                case '|':
                    pos++;
                    emit(Kind.PIPE);
                    continue;
                case '"':
                    if (!lexQuote()) {
                        return false;
                    }
                    continue;
                case '`':
                    int e = in.indexOf('`', pos + 1);
                    if (e < 0) {
                        error("unterminated raw quoted string");
                        return false;
                    }
                    pos = e + 1;
                    line += count(in, start, pos);
                    emitKeepLine(Kind.RAW);
                    continue;
                case '\'':
                    if (!lexChar()) {
                        return false;
                    }
                    continue;
                case '$':
                    pos++;
                    lexFieldOrVar(Kind.VAR);
                    if (!checkTerminator()) {
                        return false;
                    }
                    continue;
                case '.':
                    if (pos + 1 < in.length() && Character.isDigit(in.charAt(pos + 1))) {
                        if (!lexNumber()) {
                            return false;
                        }
                        continue;
                    }
                    pos++;
                    lexFieldOrVar(Kind.FIELD);
                    if (!checkTerminator()) {
                        return false;
                    }
                    continue;
                case '(':
                    pos++;
                    parenDepth++;
                    emit(Kind.LPAREN);
                    continue;
                case ')':
                    pos++;
                    parenDepth--;
                    if (parenDepth < 0) {
                        error("unexpected right paren " + quoteRune(')'));
                        return false;
                    }
                    emit(Kind.RPAREN);
                    continue;
                case ',':
                    pos++;
                    emit(Kind.COMMA);
                    continue;
                default:
                    break;
            }
            if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
                if (!lexNumber()) {
                    return false;
                }
                continue;
            }
            if (isAlnum(c)) {
                while (pos < in.length() && isAlnum(in.charAt(pos))) {
                    pos++;
                }
                if (!checkTerminator()) {
                    return false;
                }
                String word = in.substring(start, pos);
                Kind k = KEYWORDS.get(word);
                if (k != null) {
                    emit(k);
                } else if (word.equals("true") || word.equals("false")) {
                    emit(Kind.BOOL);
                } else if (word.equals("nil")) {
                    emit(Kind.NIL);
                } else {
                    emit(Kind.IDENT);
                }
                continue;
            }
            if (c < 128 && c >= 0x20 && c != 0x7f) {
                pos++;
                emit(Kind.OTHER_CHAR);
                continue;
            }
            error("unrecognized character in action: " + quoteRune(in.codePointAt(pos)));
            return false;
        }
    }

    private void emitKeepLine(Kind k) {
        out.add(new Token(k, in.substring(start, pos), start, startLine));
        start = pos;
        startLine = line;
    }

    static String quoteRune(int cp) {
        return String.format("U+%04X '%s'", cp, new String(Character.toChars(cp)));
    }

    static boolean isAlnum(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    private void lexFieldOrVar(Kind k) {
        if (pos >= in.length() || !isAlnum(in.charAt(pos))) {
            emit(k == Kind.VAR ? Kind.VAR : Kind.DOT);
            start = pos;
            return;
        }
        while (pos < in.length() && isAlnum(in.charAt(pos))) {
            pos++;
        }
        emit(k);
    }

    /** After an identifier, field or variable the next character must end it. */
    private boolean checkTerminator() {
        if (pos >= in.length()) {
            return true;
        }
        char c = in.charAt(pos);
        if (isSpace(c) || c == '.' || c == ',' || c == '|' || c == ':' || c == ')' || c == '('
                || in.startsWith("}}", pos)) {
            return true;
        }
        start = pos;
        error("bad character " + quoteRune(in.codePointAt(pos)));
        return false;
    }

    private boolean lexQuote() {
        int p = pos + 1;
        while (true) {
            if (p >= in.length() || in.charAt(p) == '\n') {
                error("unterminated quoted string");
                return false;
            }
            char c = in.charAt(p);
            if (c == '\\') {
                p += 2;
                continue;
            }
            if (c == '"') {
                break;
            }
            p++;
        }
        pos = p + 1;
        emit(Kind.STRING);
        return true;
    }

    private boolean lexChar() {
        int p = pos + 1;
        while (true) {
            if (p >= in.length() || in.charAt(p) == '\n') {
                error("unterminated character constant");
                return false;
            }
            char c = in.charAt(p);
            if (c == '\\') {
                p += 2;
                continue;
            }
            if (c == '\'') {
                break;
            }
            p++;
        }
        pos = p + 1;
        emit(Kind.CHAR);
        return true;
    }

    private boolean lexNumber() {
        int p = pos;
        if (p < in.length() && (in.charAt(p) == '+' || in.charAt(p) == '-')) {
            p++;
        }
        String digits = "0123456789_";
        boolean hex = false;
        if (p < in.length() && in.charAt(p) == '0' && p + 1 < in.length()) {
            char x = in.charAt(p + 1);
            if (x == 'x' || x == 'X') {
                p += 2;
                digits = "0123456789abcdefABCDEF_";
                hex = true;
            } else if (x == 'o' || x == 'O') {
                p += 2;
                digits = "01234567_";
            } else if (x == 'b' || x == 'B') {
                p += 2;
                digits = "01_";
            }
        }
        p = run(p, digits);
        if (p < in.length() && in.charAt(p) == '.') {
            p = run(p + 1, digits);
        }
        if (digits.length() == 11 && p < in.length() && (in.charAt(p) == 'e' || in.charAt(p) == 'E')) {
            p++;
            if (p < in.length() && (in.charAt(p) == '+' || in.charAt(p) == '-')) {
                p++;
            }
            p = run(p, "0123456789_");
        }
        if (hex && p < in.length() && (in.charAt(p) == 'p' || in.charAt(p) == 'P')) {
            p++;
            if (p < in.length() && (in.charAt(p) == '+' || in.charAt(p) == '-')) {
                p++;
            }
            p = run(p, "0123456789_");
        }
        if (p < in.length() && in.charAt(p) == 'i') {
            p++;
        }
        if (p < in.length() && isAlnum(in.charAt(p))) {
            pos = p + 1;
            error("bad number syntax: \"" + in.substring(start, pos) + "\"");
            return false;
        }
        pos = p;
        emit(Kind.NUMBER);
        return true;
    }

    private int run(int p, String set) {
        while (p < in.length() && set.indexOf(in.charAt(p)) >= 0) {
            p++;
        }
        return p;
    }
}
