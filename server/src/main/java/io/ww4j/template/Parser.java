package io.ww4j.template;

import io.ww4j.template.Lexer.Kind;
import io.ww4j.template.Lexer.Token;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds parse trees from tokens with Go's grammar, scoping and error wording. */
final class Parser {
    /** One named template body. {@code frame} is the number of variable slots it needs. */
    static final class Tree {
        final String name;
        final String parseName;
        final String text;
        Node.ListNode root;
        int frame = 1;
        /**
         * The root compiled to steps (Compiler), set once parsing is complete; later replaced by
         * generated code (CodeGen) that runs the same, faster.
         */
        volatile Compiler.Step compiled;

        Tree(String name, String parseName, String text) {
            this.name = name;
            this.parseName = parseName;
            this.text = text;
        }
    }

    private final String parseName;
    private final String text;
    private final List<Token> toks;
    private final Map<String, Func> funcs;
    private final Map<String, Tree> trees;
    private int p;
    private Token last;
    // per-tree state
    private List<String> vars = new ArrayList<>();
    private Tree tree;
    private int rangeDepth;

    private Parser(String name, String text, Map<String, Func> funcs, Map<String, Tree> trees) {
        this.parseName = name;
        this.text = text;
        this.toks = Lexer.lex(text);
        this.funcs = funcs;
        this.trees = trees;
    }

    /** Parses {@code text} as template {@code name}, adding it and its definitions to {@code trees}. */
    static void parse(String name, String text, Map<String, Func> funcs, Map<String, Tree> trees) {
        Parser ps = new Parser(name, text, funcs, trees);
        try {
            ps.parseTop();
        } catch (StackOverflowError e) {
            throw new TemplateException("template: " + name + ":" + ps.line() + ": expression nested too deeply");
        }
    }

    private int line() {
        return last == null ? 1 : last.line();
    }

    private TemplateException error(String msg) {
        return new TemplateException("template: " + parseName + ":" + line() + ": " + msg);
    }

    private Token next() {
        Token t = toks.get(p);
        if (p < toks.size() - 1) {
            p++;
        }
        last = t;
        if (t.kind() == Kind.ERROR) {
            throw error(t.val());
        }
        return t;
    }

    private Token peek() {
        return toks.get(p);
    }

    private Token nextNonSpace() {
        Token t;
        do {
            t = next();
        } while (t.kind() == Kind.SPACE);
        return t;
    }

    private Token peekNonSpace() {
        int q = p;
        while (toks.get(q).kind() == Kind.SPACE) {
            q++;
        }
        Token t = toks.get(q);
        if (t.kind() == Kind.ERROR) {
            p = q;
            next();
        }
        return t;
    }

    private void skipSpace() {
        while (toks.get(p).kind() == Kind.SPACE) {
            p++;
        }
    }

    private TemplateException unexpected(Token t, String context) {
        if (t.kind() == Kind.ERROR) {
            return error(t.val());
        }
        return error("unexpected " + t + " in " + context);
    }

    private Token expect(Kind k, String context) {
        Token t = nextNonSpace();
        if (t.kind() != k) {
            throw unexpected(t, context);
        }
        return t;
    }

    private void startTree(Tree t) {
        tree = t;
        vars = new ArrayList<>();
        vars.add("$");
        rangeDepth = 0;
    }

    private void parseTop() {
        Tree main = new Tree(parseName, parseName, text);
        startTree(main);
        List<Node> root = new ArrayList<>();
        while (peek().kind() != Kind.EOF) {
            if (peek().kind() == Kind.LEFT) {
                int save = p;
                next();
                if (nextNonSpace().kind() == Kind.DEFINE) {
                    parseDefinition();
                    tree = main;
                    vars = new ArrayList<>(List.of("$"));
                    rangeDepth = 0;
                    continue;
                }
                p = save;
            }
            Node n = textOrAction();
            if (n instanceof EndOrElse e) {
                throw error("unexpected " + e);
            }
            root.add(n);
        }
        main.root = new Node.ListNode(0, root);
        add(main);
    }

    private void add(Tree t) {
        Tree old = trees.get(t.name);
        if (old == null || isEmpty(old.root)) {
            trees.put(t.name, t);
            return;
        }
        if (!isEmpty(t.root)) {
            throw error("template: multiple definition of template " + GoFmt.quote(t.name));
        }
    }

    static boolean isEmpty(Node n) {
        if (n instanceof Node.ListNode l) {
            for (Node c : l.nodes) {
                if (!isEmpty(c)) {
                    return false;
                }
            }
            return true;
        }
        if (n instanceof Node.Text t) {
            return t.text.isBlank() && t.text.strip().isEmpty();
        }
        return false;
    }

    private void parseDefinition() {
        String context = "define clause";
        Token nameTok = nextNonSpace();
        if (nameTok.kind() != Kind.STRING && nameTok.kind() != Kind.RAW) {
            throw unexpected(nameTok, context);
        }
        String name = unquote(nameTok);
        expect(Kind.RIGHT, context);
        Tree t = new Tree(name, parseName, text);
        startTree(t);
        ListResult lr = itemList();
        if (!lr.end.isEnd) {
            throw error("unexpected " + lr.end + " in " + context);
        }
        t.root = lr.list;
        add(t);
    }

    /** Marker nodes for {{end}} and {{else}} while parsing lists. */
    static final class EndOrElse extends Node {
        final boolean isEnd;

        EndOrElse(int pos, boolean isEnd) {
            super(pos);
            this.isEnd = isEnd;
        }

        @Override
        public String toString() {
            return isEnd ? "{{end}}" : "{{else}}";
        }
    }

    record ListResult(Node.ListNode list, EndOrElse end) {}

    private ListResult itemList() {
        int pos = peekNonSpace().pos();
        List<Node> nodes = new ArrayList<>();
        while (peekNonSpace().kind() != Kind.EOF) {
            Node n = textOrAction();
            if (n instanceof EndOrElse e) {
                return new ListResult(new Node.ListNode(pos, nodes), e);
            }
            nodes.add(n);
        }
        last = peekNonSpace(); // Go reports the line of the EOF token it peeked at
        throw error("unexpected EOF");
    }

    private Node textOrAction() {
        Token t = nextNonSpace();
        switch (t.kind()) {
            case TEXT:
                return new Node.Text(t.pos(), t.val());
            case LEFT:
                return action();
            default:
                throw unexpected(t, "input");
        }
    }

    private Node action() {
        Token t = nextNonSpace();
        switch (t.kind()) {
            case BLOCK:
                return blockControl();
            case BREAK:
            case CONTINUE:
                return breakControl(t);
            case ELSE:
                return elseControl();
            case END:
                expect(Kind.RIGHT, "end");
                return new EndOrElse(t.pos(), true);
            case IF:
                return control(Node.Control.IF, "if", t.pos());
            case RANGE:
                return control(Node.Control.RANGE, "range", t.pos());
            case WITH:
                return control(Node.Control.WITH, "with", t.pos());
            case TEMPLATE:
                return templateControl();
            default:
                p--;
                Token first = peekNonSpace();
                return new Node.Action(first.pos(), pipeline("command", Kind.RIGHT));
        }
    }

    private Node breakControl(Token t) {
        boolean cont = t.kind() == Kind.CONTINUE;
        String word = cont ? "continue" : "break";
        Token n = nextNonSpace();
        if (n.kind() != Kind.RIGHT) {
            throw error("unexpected " + n + " in {{" + word + "}}");
        }
        if (rangeDepth == 0) {
            throw error("{{" + word + "}} outside {{range}}");
        }
        return new Node.Break(t.pos(), cont);
    }

    private Node elseControl() {
        Token pk = peekNonSpace();
        if (pk.kind() == Kind.IF || pk.kind() == Kind.WITH) {
            // leave the keyword pending: "else if" parses as a nested if
            return new EndOrElse(pk.pos(), false);
        }
        Token t = expect(Kind.RIGHT, "else");
        return new EndOrElse(t.pos(), false);
    }

    private Node control(Node.Control kind, String context, int pos) {
        int mark = vars.size();
        try {
            Node.Pipe pipe = pipeline(context, Kind.RIGHT);
            if (kind == Node.Control.RANGE) {
                rangeDepth++;
            }
            ListResult lr = itemList();
            if (kind == Node.Control.RANGE) {
                rangeDepth--;
            }
            Node.ListNode elseList = null;
            if (!lr.end.isEnd) {
                Token pk = peekNonSpace();
                if ((kind == Node.Control.IF && pk.kind() == Kind.IF)
                        || (kind == Node.Control.WITH && pk.kind() == Kind.WITH)) {
                    Token kw = nextNonSpace();
                    Node nested = control(kind, context, kw.pos());
                    elseList = new Node.ListNode(lr.end.pos, List.of(nested));
                } else {
                    if (pk.kind() == Kind.IF || pk.kind() == Kind.WITH) {
                        throw unexpected(pk, "else");
                    }
                    ListResult er = itemList();
                    if (!er.end.isEnd) {
                        throw error("expected end; found " + er.end);
                    }
                    elseList = er.list;
                }
            }
            return new Node.Branch(pos, kind, pipe, lr.list, elseList);
        } finally {
            while (vars.size() > mark) {
                vars.remove(vars.size() - 1);
            }
        }
    }

    private String templateName(Token t, String context) {
        if (t.kind() != Kind.STRING && t.kind() != Kind.RAW) {
            throw unexpected(t, context);
        }
        return unquote(t);
    }

    private Node templateControl() {
        String context = "template clause";
        Token nt = nextNonSpace();
        String name = templateName(nt, context);
        Node.Pipe pipe = null;
        if (peekNonSpace().kind() != Kind.RIGHT) {
            pipe = pipeline(context, Kind.RIGHT);
        } else {
            nextNonSpace();
        }
        return new Node.TemplateCall(nt.pos(), name, pipe); // at its name, as Go places it
    }

    private Node blockControl() {
        String context = "block clause";
        Token nt = nextNonSpace();
        String name = templateName(nt, context);
        Node.Pipe pipe = pipeline(context, Kind.RIGHT);
        Tree outer = tree;
        List<String> outerVars = vars;
        int outerRange = rangeDepth;
        Tree t = new Tree(name, parseName, text);
        startTree(t);
        ListResult lr = itemList();
        if (!lr.end.isEnd) {
            throw error("unexpected " + lr.end + " in " + context);
        }
        t.root = lr.list;
        add(t);
        tree = outer;
        vars = outerVars;
        rangeDepth = outerRange;
        return new Node.TemplateCall(nt.pos(), name, pipe);
    }

    private int declare(String name) {
        vars.add(name);
        tree.frame = Math.max(tree.frame, vars.size());
        return vars.size() - 1;
    }

    private int slotOf(String name) {
        for (int i = vars.size() - 1; i >= 0; i--) {
            if (vars.get(i).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private Node.Pipe pipeline(String context, Kind end) {
        Token first = peekNonSpace();
        List<Node.Var> decl = new ArrayList<>();
        boolean isAssign = false;
        while (true) {
            Token v = peekNonSpace();
            if (v.kind() != Kind.VAR) {
                break;
            }
            int save = p;
            nextNonSpace();
            Token after = peekNonSpace();
            if (after.kind() == Kind.ASSIGN || after.kind() == Kind.DECLARE) {
                isAssign = after.kind() == Kind.ASSIGN;
                nextNonSpace();
                int slot;
                if (isAssign) {
                    slot = slotOf(v.val());
                    if (slot < 0) {
                        slot = -1 - declare(v.val()); // undefined: fails at execution, as Go does
                    }
                } else {
                    slot = declare(v.val());
                }
                decl.add(new Node.Var(v.pos(), v.val(), slot, new String[0]));
                break;
            } else if (after.kind() == Kind.COMMA) {
                nextNonSpace();
                decl.add(new Node.Var(v.pos(), v.val(), declare(v.val()), new String[0]));
                if (context.equals("range") && decl.size() < 2) {
                    Kind k = peekNonSpace().kind();
                    if (k == Kind.VAR || k == Kind.RIGHT || k == Kind.RPAREN) {
                        continue;
                    }
                    throw error("range can only initialize variables");
                }
                throw error("too many declarations in " + context);
            } else {
                p = save;
                break;
            }
        }
        // A two-variable range declared "$i, $v :=": the first var was added by the comma branch.
        if (decl.size() == 2 && decl.get(1).slot >= 0 && isAssign) {
            // "$i, $v =": both are assignments to existing variables
            List<Node.Var> fixed = new ArrayList<>();
            for (Node.Var dv : decl) {
                vars.remove(vars.size() - 1);
            }
            for (Node.Var dv : decl) {
                int s = slotOf(dv.name);
                fixed.add(new Node.Var(dv.pos, dv.name, s < 0 ? -1 - declare(dv.name) : s, new String[0]));
            }
            decl = fixed;
        }
        List<Node.Command> cmds = new ArrayList<>();
        while (true) {
            Token t = nextNonSpace();
            if (t.kind() == end) {
                if (cmds.isEmpty()) {
                    throw error("missing value for " + context);
                }
                for (int i = 1; i < cmds.size(); i++) {
                    Node a = cmds.get(i).args[0];
                    if (a instanceof Node.Bool || a instanceof Node.Dot || a instanceof Node.Nil
                            || a instanceof Node.Num || a instanceof Node.Str) {
                        throw error("non executable command in pipeline stage " + (i + 1));
                    }
                }
                return new Node.Pipe(first.pos(), decl, isAssign, cmds);
            }
            switch (t.kind()) {
                case BOOL: case CHAR: case DOT: case FIELD: case IDENT: case NUMBER: case NIL:
                case RAW: case STRING: case VAR: case LPAREN:
                    p--;
                    cmds.add(command());
                    break;
                default:
                    throw unexpected(t, context);
            }
        }
    }

    private Node.Command command() {
        int pos = peekNonSpace().pos();
        List<Node> args = new ArrayList<>();
        while (true) {
            skipSpace();
            Node op = operand();
            if (op != null) {
                args.add(op);
            }
            Token t = next();
            if (t.kind() == Kind.SPACE) {
                continue;
            }
            if (t.kind() == Kind.RIGHT || t.kind() == Kind.RPAREN) {
                p--;
            } else if (t.kind() != Kind.PIPE) {
                throw unexpected(t, "operand");
            }
            break;
        }
        if (args.isEmpty()) {
            throw error("empty command");
        }
        return new Node.Command(pos, args);
    }

    private Node operand() {
        Node node = term();
        if (node == null) {
            return null;
        }
        if (peek().kind() == Kind.FIELD) {
            int pos = peek().pos();
            List<String> fields = new ArrayList<>();
            while (peek().kind() == Kind.FIELD) {
                fields.add(next().val().substring(1));
            }
            if (node instanceof Node.Field f) {
                List<String> all = new ArrayList<>(List.of(f.fields));
                all.addAll(fields);
                return new Node.Field(pos, all.toArray(new String[0]));
            }
            if (node instanceof Node.Var v) {
                List<String> all = new ArrayList<>(List.of(v.fields));
                all.addAll(fields);
                return new Node.Var(pos, v.name, v.slot, all.toArray(new String[0]));
            }
            if (node instanceof Node.Bool || node instanceof Node.Str || node instanceof Node.Num
                    || node instanceof Node.Nil || node instanceof Node.Dot) {
                throw error("unexpected . after term " + GoFmt.quote(node.toString()));
            }
            return new Node.Chain(pos, node, fields.toArray(new String[0]));
        }
        return node;
    }

    private Node term() {
        Token t = nextNonSpace();
        switch (t.kind()) {
            case IDENT: {
                Func f = funcs.get(t.val());
                if (f == null) {
                    throw error("function " + GoFmt.quote(t.val()) + " not defined");
                }
                return new Node.Ident(t.pos(), t.val(), f);
            }
            case DOT:
                return new Node.Dot(t.pos());
            case NIL:
                return new Node.Nil(t.pos());
            case VAR: {
                String name = t.val();
                int slot = slotOf(name);
                if (slot < 0) {
                    throw error("undefined variable " + GoFmt.quote(name));
                }
                return new Node.Var(t.pos(), name, slot, new String[0]);
            }
            case FIELD:
                return new Node.Field(t.pos(), new String[] {t.val().substring(1)});
            case BOOL:
                return new Node.Bool(t.pos(), t.val().equals("true"));
            case CHAR:
            case NUMBER:
                return number(t);
            case LPAREN:
                return pipeline("parenthesized pipeline", Kind.RPAREN);
            case STRING:
            case RAW:
                return new Node.Str(t.pos(), t.val(), unquote(t));
            default:
                p--;
                return null;
        }
    }

    // ---- literals ----

    private Node.Num number(Token t) {
        String s = t.val();
        if (t.kind() == Kind.CHAR) {
            int r = unquoteChar(s);
            return new Node.Num(t.pos(), s, true, true, true, r, r, (long) r);
        }
        if (s.endsWith("i")) {
            throw error("complex numbers are not supported: " + GoFmt.quote(s));
        }
        Long iv = parseGoInt(s);
        boolean uintOnly = false;
        boolean isInt = iv != null;
        boolean isFloat = false;
        double fv = 0;
        if (isInt) {
            isFloat = true;
            fv = iv;
        } else if (parseGoUintOverflow(s)) {
            uintOnly = true;
            isFloat = true;
            fv = Double.parseDouble(s.replace("_", "").replace("+", ""));
        } else {
            Double f = parseGoFloat(s);
            if (f != null) {
                if (!containsAny(s, ".eEpP")) {
                    throw error("integer overflow: " + GoFmt.quote(s));
                }
                isFloat = true;
                fv = f;
                if ((double) (long) fv == fv && !Double.isInfinite(fv)) {
                    isInt = true;
                    iv = (long) fv;
                }
            }
        }
        if (!isInt && !isFloat) {
            throw error("illegal number syntax: " + GoFmt.quote(s));
        }
        boolean hexInt = s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X") || s.startsWith("-0x")
                || s.startsWith("+0x")) && !containsAny(s, "pP");
        Object ideal;
        if (isFloat && !hexInt && containsAny(s, ".eEpP")) {
            ideal = fv;
        } else if (isInt) {
            ideal = iv;
        } else if (uintOnly) {
            ideal = null; // overflows int
        } else {
            ideal = fv;
        }
        return new Node.Num(t.pos(), s, isInt, isFloat, false, isInt ? iv : 0, fv, ideal);
    }

    private static boolean containsAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** strconv.ParseInt(s, 0, 64); null when it fails. */
    static Long parseGoInt(String s) {
        try {
            java.math.BigInteger b = parseGoBig(s);
            if (b == null || b.bitLength() > 63) {
                return null;
            }
            return b.longValue();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean parseGoUintOverflow(String s) {
        try {
            java.math.BigInteger b = parseGoBig(s);
            return b != null && b.signum() > 0 && b.bitLength() == 64;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static java.math.BigInteger parseGoBig(String s) {
        boolean neg = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            neg = s.charAt(0) == '-';
            s = s.substring(1);
        }
        int radix = 10;
        boolean prefixed = false;
        if (s.length() > 1 && s.charAt(0) == '0') {
            char c = Character.toLowerCase(s.charAt(1));
            if (c == 'x') {
                radix = 16;
                s = s.substring(2);
                prefixed = true;
            } else if (c == 'o') {
                radix = 8;
                s = s.substring(2);
                prefixed = true;
            } else if (c == 'b') {
                radix = 2;
                s = s.substring(2);
                prefixed = true;
            } else {
                radix = 8;
                s = s.substring(1);
                prefixed = true;
            }
        }
        if (s.contains("_")) {
            if ((!prefixed && s.startsWith("_")) || s.endsWith("_") || s.contains("__")) {
                return null;
            }
            s = s.replace("_", "");
        }
        if (s.isEmpty()) {
            return null;
        }
        java.math.BigInteger b = new java.math.BigInteger(s, radix);
        return neg ? b.negate() : b;
    }

    private static Double parseGoFloat(String s) {
        String x = s;
        if (x.contains("_")) {
            if (!(x.contains("0x") || x.contains("0X"))) {
                return null;
            }
            x = x.replace("_", "");
        }
        boolean hex = x.contains("0x") || x.contains("0X");
        if (hex && !containsAny(x, "pP")) {
            return null;
        }
        try {
            double d = Double.parseDouble(x);
            if (Double.isInfinite(d)) {
                return null;
            }
            return d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String unquote(Token t) {
        String s = t.val();
        if (t.kind() == Kind.RAW) {
            return s.substring(1, s.length() - 1).replace("\r", "");
        }
        return unquoteString(s.substring(1, s.length() - 1), '"');
    }

    private String unquoteString(String s, char q) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '\\') {
                int cp = s.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
                continue;
            }
            if (i + 1 >= s.length()) {
                throw error("invalid syntax");
            }
            char e = s.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'a': out.write(7); break;
                case 'b': out.write(8); break;
                case 'f': out.write(12); break;
                case 'n': out.write(10); break;
                case 'r': out.write(13); break;
                case 't': out.write(9); break;
                case 'v': out.write(11); break;
                case '\\': out.write('\\'); break;
                case '"':
                case '\'':
                    if (e != q) {
                        throw error("invalid syntax");
                    }
                    out.write(e);
                    break;
                case 'x':
                    out.write(hex(s, i, 2));
                    i += 2;
                    break;
                case 'u':
                case 'U': {
                    int n = e == 'u' ? 4 : 8;
                    int cp = hex(s, i, n);
                    i += n;
                    if (cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
                        throw error("invalid syntax");
                    }
                    out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                    break;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        if (i + 2 > s.length()) {
                            throw error("invalid syntax");
                        }
                        String oct = s.substring(i - 1, i + 2);
                        for (char oc : oct.toCharArray()) {
                            if (oc < '0' || oc > '7') {
                                throw error("invalid syntax");
                            }
                        }
                        int v = Integer.parseInt(oct, 8);
                        if (v > 255) {
                            throw error("invalid syntax");
                        }
                        out.write(v);
                        i += 2;
                        break;
                    }
                    throw error("invalid syntax");
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private int hex(String s, int i, int n) {
        if (i + n > s.length()) {
            throw error("invalid syntax");
        }
        try {
            long v = Long.parseLong(s.substring(i, i + n), 16);
            if (s.substring(i, i + n).startsWith("+") || s.substring(i, i + n).startsWith("-")) {
                throw error("invalid syntax");
            }
            return (int) v;
        } catch (NumberFormatException ex) {
            throw error("invalid syntax");
        }
    }

    private int unquoteChar(String s) {
        String body = s.substring(1, s.length() - 1);
        String v = unquoteString(body, '\'');
        if (body.startsWith("\\x") || (body.length() == 4 && body.charAt(0) == '\\' && Character.isDigit(body.charAt(1)))) {
            // a byte escape is the byte value
            int b = body.startsWith("\\x") ? hex(body, 2, 2) : Integer.parseInt(body.substring(1), 8);
            return b;
        }
        if (v.isEmpty() || v.codePointCount(0, v.length()) != 1) {
            throw error("malformed character constant: " + s);
        }
        return v.codePointAt(0);
    }
}
