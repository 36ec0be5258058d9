package io.mp2p.engine;

import static io.mp2p.engine.SimNetwork.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mp2p.crypto.KeyResidue;
import io.mp2p.engine.SimNetwork.Node;
import io.mp2p.noise.CipherState;

/**
 * Issue 11 item 6 (spec §6.9): when a session ends, its transport keys are gone from everything
 * it reached, the JDK's Cipher objects included; when the engine is destroyed, from the engine.
 */
class EngineKeyWipeTest {

    /** The raw key a CipherState holds, read by reflection (a copy). */
    private static byte[] keyOf(CipherState c) throws ReflectiveOperationException {
        Field f = CipherState.class.getDeclaredField("k");
        f.setAccessible(true);
        return ((byte[]) f.get(c)).clone();
    }

    @Test
    void aClosedSessionLeavesNoCopyOfItsKeys() throws Exception {
        SimNetwork net = new SimNetwork(600);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        a.engine.send(b.key(), "x".getBytes(), net.now);
        net.run(seconds(1));
        b.engine.send(a.key(), "y".getBytes(), net.now);
        net.run(seconds(1));
        Session s = a.engine.peerState(b.key()).current;
        byte[] send = keyOf(s.sender());
        byte[] receive = keyOf(s.receiver());
        KeyResidue before = KeyResidue.from(s);
        assertTrue(before.recheck(send).size() >= 3, "the walk reaches the key copies: " + before.recheck(send));
        assertTrue(before.recheck(receive).size() >= 3);
        a.engine.close(b.key(), net.now);
        net.run(seconds(1));
        assertEquals(List.of(), before.recheck(send));
        assertEquals(List.of(), before.recheck(receive));
    }

    @Test
    void anExpiredSessionLeavesNoCopyOfItsKeysAndNeitherDoesADestroyedEngine() throws Exception {
        SimNetwork net = new SimNetwork(601);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        a.engine.send(b.key(), "x".getBytes(), net.now);
        net.run(seconds(1));
        Session expiring = b.engine.peerState(a.key()).current;
        byte[] k1 = keyOf(expiring.sender());
        KeyResidue before = KeyResidue.from(expiring);
        net.run(Constants.REJECT_AFTER_TIME);
        assertEquals(List.of(), before.recheck(k1));
        // A new session, then the whole engine destroyed.
        a.engine.send(b.key(), "again".getBytes(), net.now);
        net.run(seconds(1));
        Session live = b.engine.peerState(a.key()).current;
        byte[] k2 = keyOf(live.receiver());
        KeyResidue engine = KeyResidue.from(b.engine);
        assertTrue(engine.recheck(k2).size() >= 3);
        b.engine.destroy();
        assertEquals(List.of(), engine.recheck(k2));
    }
}
