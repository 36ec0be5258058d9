package io.mp2p.engine;

import static io.mp2p.engine.SimNetwork.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Cipher;

import org.junit.jupiter.api.Test;

import io.mp2p.crypto.JdkAead;
import io.mp2p.crypto.SharedCiphers;
import io.mp2p.engine.SimNetwork.Node;

/**
 * Issue 12 (heap per established idle session ≤ 1 KiB): what one peer with an established, idle
 * session holds, walked by reflection from its {@link Peer}. It must hold no {@link Cipher} of its
 * own (sessions borrow the engine's), no array larger than a key, and our objects' estimated size
 * (compressed references: 12-byte headers, 4-byte references, 8-byte alignment) must stay under
 * 1 KiB. The walk stops at what the engine shares between peers (its {@link SharedCiphers}, the
 * AEAD singletons, other peers) and at JDK objects, whose size it counts without entering them
 * (a Cipher is recognised and counted all the same). SessionMemory measures the real heap.
 */
class SessionFootprintTest {
    private static final int BUDGET = 1024;
    private static final int LARGEST_ARRAY = 64;

    @Test
    void anIdleEstablishedSessionHoldsNoCipherNoLargeArrayAndUnderOneKibibyte() throws Exception {
        SimNetwork net = new SimNetwork(700);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        // a initiates, b answers and takes a's message: b holds what a responder holds per peer.
        a.engine.send(b.key(), "x".getBytes(), net.now);
        net.run(seconds(1));
        Peer p = b.engine.peerState(a.key());
        assertNotNull(p.current, "b has an established session with a");
        assertTrue(b.engine.isEstablished(a.key(), net.now));
        Footprint f = Footprint.of(p);
        System.out.println("one idle established peer, estimated: " + f.bytes + " B " + f.objects);
        assertEquals(List.of(), f.ciphers, "a session holds no Cipher of its own");
        assertTrue(f.largestArray <= LARGEST_ARRAY, "largest array " + f.largestArray + " bytes: " + f.largestPath);
        assertTrue(f.bytes <= BUDGET, "about " + f.bytes + " bytes per peer: " + f.objects + " " + f.arrays);
        // The walk did reach the session's keys (so it is not vacuous).
        assertTrue(f.objects.keySet().stream().anyMatch(s -> s.startsWith("CipherState")), f.objects.toString());
    }

    /** A walk from one peer, with sizes estimated as HotSpot lays objects out with compressed oops. */
    static final class Footprint {
        final Map<String, Integer> objects = new java.util.TreeMap<>();
        final List<String> ciphers = new ArrayList<>();
        final List<String> arrays = new ArrayList<>();
        long bytes;
        int largestArray;
        String largestPath = "";

        static Footprint of(Peer root) throws IllegalAccessException {
            Footprint f = new Footprint();
            Map<Object, String> seen = new IdentityHashMap<>();
            ArrayDeque<Object> todo = new ArrayDeque<>();
            seen.put(root, "peer");
            todo.add(root);
            while (!todo.isEmpty()) {
                Object o = todo.poll();
                String path = seen.get(o);
                Class<?> c = o.getClass();
                long size = c.isArray() ? arraySize(o) : instanceSize(c);
                f.bytes += size;
                f.objects.merge(c.getSimpleName(), (int) size, Integer::sum);
                if (o instanceof Cipher) {
                    f.ciphers.add(path);
                }
                if (c.isArray()) {
                    if (c.getComponentType().isPrimitive()) {
                        int len = (int) arraySize(o);
                        f.arrays.add(path + "=" + len);
                        if (len > f.largestArray) {
                            f.largestArray = len;
                            f.largestPath = path;
                        }
                    } else {
                        for (int i = 0; i < Array.getLength(o); i++) {
                            visit(Array.get(o, i), path + "[" + i + "]", root, seen, todo);
                        }
                    }
                    continue;
                }
                if (c.getName().startsWith("java.") || c.getName().startsWith("javax.")) {
                    continue;
                }
                for (Class<?> k = c; k != null; k = k.getSuperclass()) {
                    for (Field fd : k.getDeclaredFields()) {
                        if (Modifier.isStatic(fd.getModifiers()) || fd.getType().isPrimitive()) {
                            continue;
                        }
                        fd.setAccessible(true);
                        visit(fd.get(o), path + "." + fd.getName(), root, seen, todo);
                    }
                }
            }
            return f;
        }

        private static void visit(Object v, String path, Peer root, Map<Object, String> seen, ArrayDeque<Object> todo) {
            if (v == null || seen.containsKey(v) || v instanceof Enum<?> || v instanceof Class<?>
                    || v instanceof SharedCiphers || v instanceof JdkAead || (v instanceof Peer && v != root)) {
                return;
            }
            seen.put(v, path);
            todo.add(v);
        }

        private static long instanceSize(Class<?> c) {
            long size = 12;
            for (Class<?> k = c; k != null; k = k.getSuperclass()) {
                for (Field fd : k.getDeclaredFields()) {
                    if (!Modifier.isStatic(fd.getModifiers())) {
                        Class<?> t = fd.getType();
                        size += t == long.class || t == double.class ? 8
                                : t == int.class || t == float.class || !t.isPrimitive() ? 4
                                : t == short.class || t == char.class ? 2 : 1;
                    }
                }
            }
            return align(size);
        }

        private static long arraySize(Object a) {
            Class<?> t = a.getClass().getComponentType();
            int each = t == long.class || t == double.class ? 8
                    : t == int.class || t == float.class || !t.isPrimitive() ? 4
                    : t == short.class || t == char.class ? 2 : 1;
            return align(16 + (long) each * Array.getLength(a));
        }

        private static long align(long n) {
            return (n + 7) & ~7L;
        }
    }
}
