package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

class PeerTrustPolicyTest {
    private final PeerKey a = Mp2pIdentity.generate().publicKey();
    private final PeerKey b = Mp2pIdentity.generate().publicKey();
    private final PeerKey c = Mp2pIdentity.generate().publicKey();

    @Test
    void anAllowListFileLikeAuthorizedKeys(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("allowed");
        Files.writeString(f, "# my peers\n\n" + a.toHex() + "   # laptop\n  " + b.toBase32() + "\n");
        PeerTrustPolicy p = PeerTrustPolicy.allowList(f);
        assertTrue(p.isTrusted(a));
        assertTrue(p.isTrusted(b));
        assertFalse(p.isTrusted(c));
    }

    @Test
    void aBadLineIsNamedWithItsNumber(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("allowed");
        Files.writeString(f, a.toHex() + "\n" + "not-a-key\n");
        KeyFormatException e = assertThrows(KeyFormatException.class, () -> PeerTrustPolicy.allowList(f));
        assertTrue(e.getMessage().contains(f + " line 2: "), e.getMessage());
        KeyFormatException missing = assertThrows(KeyFormatException.class,
                () -> PeerTrustPolicy.allowList(dir.resolve("missing")));
        assertEquals(KeyFormatException.Reason.IO, missing.reason());
    }

    @Test
    void acceptAnyAndCallbacks() {
        assertTrue(PeerTrustPolicy.acceptAny().isTrusted(c));
        PeerTrustPolicy callback = peer -> peer.equals(a);
        assertTrue(callback.isTrusted(a));
        assertFalse(callback.isTrusted(b));
    }
}
