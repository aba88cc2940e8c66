package io.ww4j.template;

import static org.objectweb.asm.Opcodes.AALOAD;
import static org.objectweb.asm.Opcodes.AASTORE;
import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_PRIVATE;
import static org.objectweb.asm.Opcodes.ACC_STATIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ACONST_NULL;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.ANEWARRAY;
import static org.objectweb.asm.Opcodes.ARETURN;
import static org.objectweb.asm.Opcodes.ASTORE;
import static org.objectweb.asm.Opcodes.ATHROW;
import static org.objectweb.asm.Opcodes.CHECKCAST;
import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.GETFIELD;
import static org.objectweb.asm.Opcodes.GETSTATIC;
import static org.objectweb.asm.Opcodes.GOTO;
import static org.objectweb.asm.Opcodes.H_INVOKESTATIC;
import static org.objectweb.asm.Opcodes.ICONST_0;
import static org.objectweb.asm.Opcodes.IFEQ;
import static org.objectweb.asm.Opcodes.IFNE;
import static org.objectweb.asm.Opcodes.IF_ICMPEQ;
import static org.objectweb.asm.Opcodes.IF_ICMPGE;
import static org.objectweb.asm.Opcodes.IF_ICMPNE;
import static org.objectweb.asm.Opcodes.ILOAD;
import static org.objectweb.asm.Opcodes.INVOKEINTERFACE;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;
import static org.objectweb.asm.Opcodes.IRETURN;
import static org.objectweb.asm.Opcodes.ISTORE;
import static org.objectweb.asm.Opcodes.POP;
import static org.objectweb.asm.Opcodes.PUTFIELD;
import static org.objectweb.asm.Opcodes.RETURN;
import static org.objectweb.asm.Opcodes.V17;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a template's steps (see {@link Compiler}) to a class of its own.
 *
 * <p>Why: the steps reach each other through shared call sites (a sequence calling its steps, a
 * bound call calling its function's body) that see every kind of step and every function, so the
 * JIT inlines none of them. In the generated class every step and every function call has a call
 * site of its own that sees one receiver, a constant, so the JIT inlines function bodies, folds
 * the constant arguments and drops the argument arrays.
 *
 * <p>The semantics stay in one place: the generated code calls the same Exec and Compiler helpers
 * the steps call, in the same order, and {@code ex.node} holds what the steps would have set
 * whenever anything can read it (NodeStores), so values and error texts are the steps' own. Step kinds without a generator here are called as objects.
 * Constants (nodes, functions, strings) reach the class as class data; each block of statements
 * (a range body, a branch, a slice of a long sequence) is a static method of its own, which keeps
 * every method well below the size the JIT refuses to compile.
 */
final class CodeGen {
    private CodeGen() {}

    private static final Logger LOG = LoggerFactory.getLogger(CodeGen.class);

    /** Statements per generated method; longer sequences are split into several. */
    private static final int STEPS_PER_METHOD = 12;

    private static final String EXEC = Type.getInternalName(Exec.class);
    private static final String STEP = Type.getInternalName(Compiler.Step.class);
    private static final String COMPILER = Type.getInternalName(Compiler.class);
    private static final String VALUES = Type.getInternalName(Values.class);
    private static final String ITEMS = Type.getInternalName(Exec.Items.class);
    private static final String OBJ = "Ljava/lang/Object;";
    private static final String NODE = Type.getDescriptor(Node.class);
    private static final String VAR = Type.getDescriptor(Node.Var.class);
    private static final String GOTYPE = Type.getDescriptor(GoType.class);
    /** (Exec ex, Object dot, Object[] vars) -> flow: every block method. */
    private static final String BLOCK = "(L" + EXEC + ";" + OBJ + "[" + OBJ + ")I";
    private static final String MAP_PATH = "(L" + EXEC + ";" + OBJ + OBJ + NODE + "[Ljava/lang/String;["
            + Type.getDescriptor(Node.Site.class) + "[" + NODE + "[" + OBJ + ")" + OBJ;
    private static final Handle CLASS_DATA_AT = new Handle(H_INVOKESTATIC, "java/lang/invoke/MethodHandles", "classDataAt",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)Ljava/lang/Object;", false);

    /** Locals of every block method. */
    private static final int EX = 0;
    private static final int DOT = 1;
    private static final int VARS = 2;

    /**
     * The steps as an instance of a generated class; the steps themselves when they cannot be
     * generated (they run the same, only slower).
     */
    static Compiler.Step generate(String name, Compiler.Step root) {
        try {
            Unit u = new Unit();
            byte[] bytes = u.assemble(root);
            MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, List.copyOf(u.constants), true);
            return (Compiler.Step) l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Exception | LinkageError e) {
            // a shape this generator gets wrong (a bug; the tests check every case is generated): run the steps
            LOG.warn("template {}: cannot compile it to bytecode ({}); it keeps running on the step interpreter (same output, slower)", name, e.toString());
            return root;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e); // the constructor of a class without fields throws nothing else
        }
    }

    /** Whether {@code step} is generated code (for tests). */
    static boolean isGenerated(Compiler.Step step) {
        return step.getClass().isHidden();
    }

    /** One generated class: its constants and block methods. */
    private static final class Unit {
        private final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object"; // locals meet only as Object; no class loading while generating
            }
        };
        private final String self = COMPILER.substring(0, COMPILER.lastIndexOf('/') + 1) + "Generated";
        final List<Object> constants = new ArrayList<>();
        private int methods;

        byte[] assemble(Compiler.Step root) {
            cw.visit(V17, ACC_FINAL | ACC_SUPER, self, null, STEP, null);
            MethodVisitor init = cw.visitMethod(0, "<init>", "()V", null, null);
            init.visitCode();
            init.visitVarInsn(ALOAD, 0);
            init.visitMethodInsn(INVOKESPECIAL, STEP, "<init>", "()V", false);
            init.visitInsn(RETURN);
            init.visitMaxs(0, 0);
            init.visitEnd();
            String body = block(steps(root));
            MethodVisitor run = cw.visitMethod(0, "run", "(L" + EXEC + ";" + OBJ + "[" + OBJ + ")I", null, null);
            run.visitCode();
            run.visitVarInsn(ALOAD, 1);
            run.visitVarInsn(ALOAD, 2);
            run.visitVarInsn(ALOAD, 3);
            run.visitMethodInsn(INVOKESTATIC, self, body, BLOCK, false);
            run.visitInsn(IRETURN);
            run.visitMaxs(0, 0);
            run.visitEnd();
            cw.visitEnd();
            return cw.toByteArray();
        }

        private static Compiler.Step[] steps(Compiler.Step s) {
            return s instanceof Compiler.Seq seq ? seq.steps : new Compiler.Step[] {s};
        }

        /** A static method running these statements; returns its name. */
        private String block(Compiler.Step[] steps) {
            if (steps.length > STEPS_PER_METHOD) {
                // a method per slice, called in turn by this one
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < steps.length; i += STEPS_PER_METHOD) {
                    Compiler.Step[] slice = new Compiler.Step[Math.min(STEPS_PER_METHOD, steps.length - i)];
                    System.arraycopy(steps, i, slice, 0, slice.length);
                    parts.add(block(slice));
                }
                String name = "b" + methods++;
                M m = new M(cw.visitMethod(ACC_PRIVATE | ACC_STATIC, name, BLOCK, null, null));
                for (String p : parts) {
                    m.callBlock(p, DOT);
                    m.returnUnlessNext();
                }
                m.finish();
                return name;
            }
            String name = "b" + methods++;
            M m = new M(cw.visitMethod(ACC_PRIVATE | ACC_STATIC, name, BLOCK, null, null));
            for (Compiler.Step s : steps) {
                if (!step(m, s)) {
                    m.mv.visitMaxs(0, 0);
                    m.mv.visitEnd();
                    return name; // a break or continue: nothing after it runs
                }
            }
            m.finish();
            return name;
        }

        /** Emits one statement; false when it always leaves the block (break, continue). */
        private boolean step(M m, Compiler.Step s) {
            MethodVisitor mv = m.mv;
            if (s instanceof Compiler.Text t) {
                m.out();
                m.constant(t.text, String.class);
                mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/StringBuilder", "append", "(Ljava/lang/String;)Ljava/lang/StringBuilder;", false);
                mv.visitInsn(POP);
            } else if (s instanceof Compiler.Print p) {
                m.setNode(p.node);
                mv.visitVarInsn(ALOAD, EX);
                expr(m, p.pipe);
                m.print();
            } else if (s instanceof Compiler.PrintCmd p) {
                m.setNode(p.node);
                mv.visitVarInsn(ALOAD, EX);
                cmd(m, p.cmd, -1);
                m.print();
            } else if (s instanceof Compiler.PrintVar p) {
                m.setNode(p.var);
                mv.visitVarInsn(ALOAD, EX);
                m.loadVar(p.slot);
                m.print();
            } else if (s instanceof Compiler.Declare d) {
                m.setNode(d.node);
                expr(m, d.pipe);
                mv.visitInsn(POP);
            } else if (s instanceof Compiler.If f) {
                branch(m, f);
            } else if (s instanceof Compiler.Range r) {
                range(m, r);
            } else if (s instanceof Compiler.Flow f) {
                m.push(f.code);
                mv.visitInsn(IRETURN);
                return false;
            } else {
                // template calls and anything else: the step object itself, a constant receiver
                m.constant(s, s.getClass());
                mv.visitVarInsn(ALOAD, EX);
                mv.visitVarInsn(ALOAD, DOT);
                mv.visitVarInsn(ALOAD, VARS);
                mv.visitMethodInsn(INVOKEVIRTUAL, Type.getInternalName(s.getClass()), "run", BLOCK, false);
                m.returnUnlessNext();
            }
            return true;
        }

        /** Compiler.If: if/else and with/else. */
        private void branch(M m, Compiler.If f) {
            MethodVisitor mv = m.mv;
            m.setNode(f.node);
            if (f.cmd != null) {
                cmd(m, f.cmd, -1);
            } else {
                expr(m, f.pipe);
            }
            int v = m.local();
            mv.visitVarInsn(ASTORE, v);
            mv.visitVarInsn(ALOAD, v);
            mv.visitMethodInsn(INVOKESTATIC, VALUES, "truth", "(" + OBJ + ")Z", false);
            Label otherwise = new Label();
            Label done = new Label();
            mv.visitJumpInsn(IFEQ, otherwise);
            String then = block(steps(f.then));
            if (f.with) {
                mv.visitVarInsn(ALOAD, v);
                mv.visitMethodInsn(INVOKESTATIC, COMPILER, "noNil", "(" + OBJ + ")" + OBJ, false);
                mv.visitVarInsn(ASTORE, v);
                m.callBlock(then, v);
            } else {
                m.callBlock(then, DOT);
            }
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(otherwise);
            if (f.els != null) {
                m.callBlock(block(steps(f.els)), DOT);
            } else {
                mv.visitInsn(ICONST_0);
            }
            mv.visitLabel(done);
            m.returnUnlessNext();
        }

        /** Compiler.Range: the loop here, the iteration (Exec.Items) and the body in methods. */
        private void range(M m, Compiler.Range r) {
            MethodVisitor mv = m.mv;
            m.setNode(r.node);
            mv.visitVarInsn(ALOAD, EX);
            expr(m, r.pipe);
            m.constant(r, Compiler.Range.class);
            mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, "rangeItems", "(" + OBJ + Type.getDescriptor(Compiler.Range.class)
                    + ")L" + ITEMS + ";", false);
            int items = m.local();
            int n = m.local();
            int i = m.local();
            int e = m.local();
            mv.visitVarInsn(ASTORE, items);
            mv.visitVarInsn(ALOAD, items);
            mv.visitFieldInsn(GETFIELD, ITEMS, "size", "I");
            mv.visitVarInsn(ISTORE, n);
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, i);
            String body = block(steps(r.body));
            Node.Var[] decl = r.node.pipe.decl;
            Label loop = new Label();
            Label end = new Label();
            mv.visitLabel(loop);
            mv.visitVarInsn(ILOAD, i);
            mv.visitVarInsn(ILOAD, n);
            mv.visitJumpInsn(IF_ICMPGE, end);
            mv.visitVarInsn(ALOAD, items);
            mv.visitVarInsn(ILOAD, i);
            mv.visitMethodInsn(INVOKEVIRTUAL, ITEMS, "elem", "(I)" + OBJ, false);
            mv.visitVarInsn(ASTORE, e);
            if (decl.length == 2) {
                mv.visitVarInsn(ALOAD, items);
                mv.visitVarInsn(ILOAD, i);
                mv.visitMethodInsn(INVOKEVIRTUAL, ITEMS, "key", "(I)" + OBJ, false);
                m.set(decl[0]);
                mv.visitVarInsn(ALOAD, e);
                m.set(decl[1]);
            } else if (decl.length == 1) {
                mv.visitVarInsn(ALOAD, e);
                m.set(decl[0]);
            }
            m.callBlock(body, e);
            m.push(Compiler.BREAK);
            mv.visitJumpInsn(IF_ICMPEQ, end);
            mv.visitIincInsn(i, 1);
            mv.visitJumpInsn(GOTO, loop);
            mv.visitLabel(end);
            if (r.els != null) {
                Label ran = new Label();
                mv.visitVarInsn(ILOAD, n);
                mv.visitJumpInsn(IFNE, ran);
                m.callBlock(block(steps(r.els)), DOT);
                mv.visitMethodInsn(INVOKESTATIC, EXEC, "rangeElse", "(I)I", false);
                m.returnUnlessNext();
                mv.visitLabel(ran);
            }
        }

        /** A pipeline's value onto the stack. */
        private void expr(M m, Compiler.Expr e) {
            MethodVisitor mv = m.mv;
            if (e instanceof Compiler.Single s) {
                cmd(m, s.cmd, -1);
                mv.visitMethodInsn(INVOKESTATIC, COMPILER, "noNil", "(" + OBJ + ")" + OBJ, false);
            } else if (e instanceof Compiler.Pipeline p) {
                int value = m.local();
                for (int i = 0; i < p.cmds.length; i++) {
                    cmd(m, p.cmds[i], i == 0 ? -1 : value);
                    mv.visitMethodInsn(INVOKESTATIC, COMPILER, "noNil", "(" + OBJ + ")" + OBJ, false);
                    mv.visitVarInsn(ASTORE, value);
                }
                for (Node.Var v : p.decl) {
                    mv.visitVarInsn(ALOAD, value);
                    m.set(v);
                }
                mv.visitVarInsn(ALOAD, value);
            } else {
                m.constant(e, e.getClass());
                mv.visitVarInsn(ALOAD, EX);
                mv.visitVarInsn(ALOAD, DOT);
                mv.visitVarInsn(ALOAD, VARS);
                mv.visitMethodInsn(INVOKEVIRTUAL, Type.getInternalName(e.getClass()), "eval",
                        "(L" + EXEC + ";" + OBJ + "[" + OBJ + ")" + OBJ, false);
            }
        }

        /** A command's value onto the stack; {@code fin}: the local holding the piped value, -1 for none. */
        private void cmd(M m, Compiler.Cmd c, int fin) {
            MethodVisitor mv = m.mv;
            if (c instanceof Compiler.VarRef v) {
                m.setNode(v.var);
                m.loadVar(v.slot);
            } else if (c instanceof Compiler.Literal l) {
                m.setNode(l.node);
                m.constant(l.value, Object.class);
            } else if (c instanceof Compiler.DotFields f && f.plain) {
                m.setNode(f.f);
                mv.visitVarInsn(ALOAD, EX);
                mv.visitVarInsn(ALOAD, DOT);
                mv.visitVarInsn(ALOAD, DOT);
                m.mapPath(f.f, f.f.fields, f.f.sites, f.args);
            } else if (c instanceof Compiler.VarFields f && f.plain && f.fields.length > 0) {
                m.setNode(f.var);
                mv.visitVarInsn(ALOAD, EX);
                mv.visitVarInsn(ALOAD, DOT);
                m.loadVar(f.slot);
                m.mapPath(f.var, f.fields, f.var.sites, f.args);
            } else if (c instanceof Compiler.Bound b) {
                bound(m, b, fin);
            } else {
                m.constant(c, c.getClass());
                mv.visitVarInsn(ALOAD, EX);
                mv.visitVarInsn(ALOAD, DOT);
                m.loadFin(fin);
                mv.visitVarInsn(ALOAD, VARS);
                mv.visitMethodInsn(INVOKEVIRTUAL, Type.getInternalName(c.getClass()), "eval",
                        "(L" + EXEC + ";" + OBJ + OBJ + "[" + OBJ + ")" + OBJ, false);
            }
        }

        /** Compiler.Bound: the arguments evaluated here, the function's body a constant receiver. */
        private void bound(M m, Compiler.Bound b, int fin) {
            MethodVisitor mv = m.mv;
            m.setNode(b.id);
            int n = b.kinds.length;
            int argv = m.local();
            m.push(b.finType == null ? n : n + 1);
            mv.visitTypeInsn(ANEWARRAY, "java/lang/Object");
            mv.visitVarInsn(ASTORE, argv);
            for (int i = 0; i < n; i++) {
                Node node = b.nodes[i];
                m.setNode(node);
                mv.visitVarInsn(ALOAD, argv);
                m.push(i);
                switch (b.kinds[i]) {
                    case Compiler.Bound.CONST:
                        m.constant(b.consts[i], Object.class);
                        break;
                    case Compiler.Bound.VAR:
                        mv.visitVarInsn(ALOAD, EX);
                        m.loadVar(b.slots[i]);
                        m.validate(b.types[i]);
                        break;
                    case Compiler.Bound.DOT:
                        mv.visitVarInsn(ALOAD, EX);
                        mv.visitVarInsn(ALOAD, DOT);
                        m.validate(b.types[i]);
                        break;
                    case Compiler.Bound.VAR_FIELDS:
                    case Compiler.Bound.DOT_FIELDS: {
                        mv.visitVarInsn(ALOAD, EX); // for validate, below
                        mv.visitVarInsn(ALOAD, EX);
                        mv.visitVarInsn(ALOAD, DOT);
                        if (b.kinds[i] == Compiler.Bound.VAR_FIELDS) {
                            m.loadVar(b.slots[i]);
                        } else {
                            mv.visitVarInsn(ALOAD, DOT);
                        }
                        m.mapPath(node, b.fields[i], b.sites[i], null);
                        int v = m.local();
                        mv.visitVarInsn(ASTORE, v);
                        m.setNode(node);
                        mv.visitVarInsn(ALOAD, v);
                        m.validate(b.types[i]);
                        break;
                    }
                    case Compiler.Bound.PIPE:
                        mv.visitVarInsn(ALOAD, EX); // for validate, below
                        expr(m, b.pipes[i]);
                        m.validate(b.types[i]);
                        break;
                    default:
                        mv.visitVarInsn(ALOAD, EX);
                        mv.visitVarInsn(ALOAD, DOT);
                        m.constant(b.types[i], GoType.class);
                        m.constant(node, Node.class);
                        mv.visitVarInsn(ALOAD, VARS);
                        mv.visitInsn(ICONST_0);
                        mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, "arg", "(" + OBJ + GOTYPE + NODE + "[" + OBJ + "Z)" + OBJ, false);
                        break;
                }
                mv.visitInsn(AASTORE);
            }
            if (b.finType != null) {
                mv.visitVarInsn(ALOAD, argv);
                m.push(n);
                mv.visitVarInsn(ALOAD, EX);
                m.loadFin(fin);
                m.validate(b.finType);
                mv.visitInsn(AASTORE);
            }
            String bodyType = Type.getInternalName(Func.Body.class);
            m.constant(b.body, Func.Body.class);
            mv.visitVarInsn(ALOAD, EX);
            mv.visitFieldInsn(GETFIELD, EXEC, "ctx", Type.getDescriptor(RenderContext.class));
            mv.visitVarInsn(ALOAD, argv);
            Label start = new Label();
            Label end = new Label();
            Label failed = new Label();
            Label done = new Label();
            mv.visitTryCatchBlock(start, end, failed, "java/lang/Throwable");
            mv.visitLabel(start);
            mv.visitMethodInsn(INVOKEINTERFACE, bodyType, "call", "(" + Type.getDescriptor(RenderContext.class) + "[" + OBJ
                    + ")" + OBJ, true);
            mv.visitLabel(end);
            mv.visitMethodInsn(INVOKESTATIC, COMPILER, "result", "(" + OBJ + ")" + OBJ, false);
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(failed);
            int thrown = m.local();
            mv.visitVarInsn(ASTORE, thrown);
            mv.visitVarInsn(ALOAD, EX);
            mv.visitVarInsn(ALOAD, thrown);
            m.constant(b.cmd, Node.class);
            m.constant(b.name, String.class);
            mv.visitMethodInsn(INVOKESTATIC, COMPILER, "callFailed", "(L" + EXEC + ";Ljava/lang/Throwable;" + NODE
                    + "Ljava/lang/String;)Ljava/lang/RuntimeException;", false);
            mv.visitInsn(ATHROW);
            mv.visitLabel(done);
        }

        /** A loadable constant for v: element N of the class data, typed as {@code type}. */
        private ConstantDynamic classData(Object v, Class<?> type) {
            constants.add(v);
            return new ConstantDynamic("_", Type.getDescriptor(type), CLASS_DATA_AT, constants.size() - 1);
        }

        /**
         * Writes {@code ex.node} lazily. The steps set it before every node they evaluate, but only
         * errors (raised inside calls) and code after a jump or a return ever read it, so a store
         * that the next one replaces before any call, jump, label, return or throw is dropped: a
         * store to a heap object costs a GC write barrier, and a tenth of the render time went to them.
         */
        private final class NodeStores extends MethodVisitor {
            /** The node ex.node must hold before the next call, jump, label, return or throw. */
            Node pending;

            NodeStores(MethodVisitor mv) {
                super(Opcodes.ASM9, mv);
            }

            private void flush() {
                Node n = pending;
                if (n != null) {
                    pending = null;
                    super.visitVarInsn(ALOAD, EX);
                    super.visitLdcInsn(classData(n, Node.class));
                    super.visitFieldInsn(PUTFIELD, EXEC, "node", NODE);
                }
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
                flush();
                super.visitMethodInsn(opcode, owner, name, desc, itf);
            }

            @Override
            public void visitJumpInsn(int opcode, Label label) {
                flush();
                super.visitJumpInsn(opcode, label);
            }

            @Override
            public void visitLabel(Label label) {
                flush();
                super.visitLabel(label);
            }

            @Override
            public void visitInsn(int opcode) {
                if (opcode == IRETURN || opcode == ARETURN || opcode == ATHROW) {
                    flush();
                }
                super.visitInsn(opcode);
            }
        }

        /** One method being written. */
        private final class M {
            final NodeStores mv;
            private int nextLocal = VARS + 1;

            M(MethodVisitor mv) {
                this.mv = new NodeStores(mv);
                mv.visitCode();
            }

            int local() {
                return nextLocal++;
            }

            void finish() {
                mv.visitInsn(ICONST_0); // NEXT
                mv.visitInsn(IRETURN);
                mv.visitMaxs(0, 0);
                mv.visitEnd();
            }

            void push(int v) {
                mv.visitLdcInsn(v);
            }

            /** A constant: strings from the constant pool, anything else as class data. */
            void constant(Object v, Class<?> type) {
                if (v == null) {
                    mv.visitInsn(ACONST_NULL);
                } else if (v instanceof String s && s.length() <= 20000) {
                    mv.visitLdcInsn(s); // at most 3 bytes a char: within the constant pool's 65535
                } else {
                    mv.visitLdcInsn(classData(v, type));
                }
            }

            /** ex.node = n, written when something could next look at it (see NodeStores). */
            void setNode(Node n) {
                mv.pending = n;
            }

            void loadVar(int slot) {
                mv.visitVarInsn(ALOAD, VARS);
                push(slot);
                mv.visitInsn(AALOAD);
            }

            void loadFin(int fin) {
                if (fin < 0) {
                    mv.visitFieldInsn(GETSTATIC, EXEC, "NO_FINAL", OBJ);
                } else {
                    mv.visitVarInsn(ALOAD, fin);
                }
            }

            /** ex.ctx.out */
            void out() {
                mv.visitVarInsn(ALOAD, EX);
                mv.visitFieldInsn(GETFIELD, EXEC, "ctx", Type.getDescriptor(RenderContext.class));
                mv.visitFieldInsn(GETFIELD, Type.getInternalName(RenderContext.class), "out", "Ljava/lang/StringBuilder;");
            }

            /** Stack: ex, value. */
            void print() {
                mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, "print", "(" + OBJ + ")V", false);
            }

            /** Stack: ex, value -> validated value. */
            void validate(GoType t) {
                constant(t, GoType.class);
                mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, "validate", "(" + OBJ + GOTYPE + ")" + OBJ, false);
            }

            /** Stack: value -> nothing; ex.set(v, vars, value). */
            void set(Node.Var v) {
                if (v.slot >= 0) {
                    // a declared variable: what Exec.set does when it cannot fail
                    mv.visitMethodInsn(INVOKESTATIC, COMPILER, "noNil", "(" + OBJ + ")" + OBJ, false);
                    int t = local();
                    mv.visitVarInsn(ASTORE, t);
                    mv.visitVarInsn(ALOAD, VARS);
                    push(v.slot);
                    mv.visitVarInsn(ALOAD, t);
                    mv.visitInsn(AASTORE);
                    return;
                }
                int t = local();
                mv.visitVarInsn(ASTORE, t);
                mv.visitVarInsn(ALOAD, EX);
                constant(v, Node.Var.class);
                mv.visitVarInsn(ALOAD, VARS);
                mv.visitVarInsn(ALOAD, t);
                mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, "set", "(" + VAR + "[" + OBJ + OBJ + ")V", false);
            }

            /** Stack: ex, dot, receiver -> Compiler.mapPath(ex, dot, receiver, n, fields, sites, args, vars). */
            void mapPath(Node n, String[] fields, Node.Site[] sites, Node[] args) {
                constant(n, Node.class);
                constant(fields, String[].class);
                constant(sites, Node.Site[].class);
                constant(args, Node[].class);
                mv.visitVarInsn(ALOAD, VARS);
                mv.visitMethodInsn(INVOKESTATIC, COMPILER, "mapPath", MAP_PATH, false);
            }

            /** Calls a block method with this method's ex and vars and the given local as dot; leaves its flow. */
            void callBlock(String name, int dot) {
                mv.visitVarInsn(ALOAD, EX);
                mv.visitVarInsn(ALOAD, dot);
                mv.visitVarInsn(ALOAD, VARS);
                mv.visitMethodInsn(INVOKESTATIC, self, name, BLOCK, false);
            }

            /** Stack: flow -> nothing; returns it unless it is NEXT. */
            void returnUnlessNext() {
                Label next = new Label();
                mv.visitInsn(DUP);
                mv.visitJumpInsn(IFEQ, next);
                mv.visitInsn(IRETURN);
                mv.visitLabel(next);
                mv.visitInsn(POP);
            }
        }
    }
}
