package io.mp2p.crypto;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: walks the objects reachable from a root by reflection (JDK internals included, when
 * the test JVM opens them: see the surefire argLine in pom.xml) and reports where a secret still
 * lies in memory, as bytes or as 32-bit words of either byte order (AES key schedules start with
 * the key's words; ChaCha20's state holds them little-endian).
 *
 * <pre>{@code
 * KeyResidue walk = KeyResidue.from(aeadKey);
 * assertFalse(walk.find(key).isEmpty());   // the walk does reach the copies
 * aeadKey.destroy();
 * assertEquals(List.of(), walk.recheck(key));
 * }</pre>
 */
public final class KeyResidue {
    private static final int WORD = Integer.BYTES;

    private final Map<Object, String> reached = new IdentityHashMap<>();
    private final List<String> inaccessible = new ArrayList<>();

    private KeyResidue() {
    }

    /** Every object reachable from {@code root}, remembered with one path to it. */
    public static KeyResidue from(Object root) {
        KeyResidue r = new KeyResidue();
        r.walk(root);
        return r;
    }

    /** Paths of the arrays, among those reached by the walk, that now hold {@code secret}. */
    public List<String> recheck(byte[] secret) {
        List<String> hits = new ArrayList<>();
        for (Map.Entry<Object, String> e : reached.entrySet()) {
            if (holds(e.getKey(), secret)) {
                hits.add(e.getValue() + " (" + e.getKey().getClass().getSimpleName() + ")");
            }
        }
        return hits;
    }

    /** Paths of the arrays reachable from the root now that hold {@code secret}. */
    public static List<String> find(Object root, byte[] secret) {
        return from(root).recheck(secret);
    }

    /** Arrays reached of this type and length: e.g. AES-256 key schedules, {@code int[60]}. */
    public List<int[]> intArraysOfLength(int length) {
        List<int[]> out = new ArrayList<>();
        for (Object o : reached.keySet()) {
            if (o instanceof int[] a && a.length == length) {
                out.add(a);
            }
        }
        return out;
    }

    /** Fields the walk could not open (the JVM refused): what it cannot vouch for. */
    public List<String> inaccessible() {
        return inaccessible;
    }

    private void walk(Object root) {
        ArrayDeque<Object> todo = new ArrayDeque<>();
        reached.put(root, "root");
        todo.add(root);
        while (!todo.isEmpty()) {
            Object o = todo.poll();
            String path = reached.get(o);
            Class<?> c = o.getClass();
            if (c.isArray()) {
                if (!c.getComponentType().isPrimitive()) {
                    for (int i = 0; i < Array.getLength(o); i++) {
                        visit(Array.get(o, i), path + "[" + i + "]", todo);
                    }
                }
                continue;
            }
            if (skipped(c)) {
                continue;
            }
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue;
                    }
                    try {
                        f.setAccessible(true);
                        visit(f.get(o), path + "." + f.getName(), todo);
                    } catch (InaccessibleObjectException | IllegalAccessException e) {
                        inaccessible.add(path + "." + f.getName());
                    }
                }
            }
        }
    }

    private void visit(Object v, String path, ArrayDeque<Object> todo) {
        if (v != null && !reached.containsKey(v)) {
            reached.put(v, path);
            todo.add(v);
        }
    }

    /** Shared JVM machinery that holds no per-key state: providers, classes, loaders, threads, strings. */
    private static boolean skipped(Class<?> c) {
        return c == Class.class || c == String.class || ClassLoader.class.isAssignableFrom(c)
                || Thread.class.isAssignableFrom(c) || java.security.Provider.class.isAssignableFrom(c)
                || java.security.SecureRandom.class.isAssignableFrom(c) || Number.class.isAssignableFrom(c)
                || c.getName().startsWith("java.lang.ref.") || c.getName().startsWith("java.lang.invoke.");
    }

    private static boolean holds(Object o, byte[] secret) {
        if (o instanceof byte[] b) {
            return indexOf(b, secret) >= 0;
        }
        if (o instanceof int[] a) {
            return holdsWords(a, secret, true) || holdsWords(a, secret, false);
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean holdsWords(int[] hay, byte[] secret, boolean bigEndian) {
        int words = secret.length / WORD;
        int[] w = new int[words];
        for (int i = 0; i < words; i++) {
            for (int j = 0; j < WORD; j++) {
                int b = secret[i * WORD + (bigEndian ? j : WORD - 1 - j)] & 0xff;
                w[i] = (w[i] << Byte.SIZE) | b;
            }
        }
        outer:
        for (int i = 0; i + words <= hay.length; i++) {
            for (int j = 0; j < words; j++) {
                if (hay[i + j] != w[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
