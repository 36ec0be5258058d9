package io.mp2p.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.mp2p.ChannelOptions;

/**
 * The context's stream socket factories exist in the API, and say plainly that the stream layer is not wired to
 * the channel yet. When it is, this test gives way to one that runs the socket contracts over the context's
 * factories.
 */
class StreamFactoriesNotWiredTest {
    @Test
    void theFactoriesNeedInitThenSayStreamsAreNotWired() throws Exception {
        SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p");
        assertThrows(IllegalStateException.class, ctx::getSocketFactory, "before init, as every other factory");
        ctx.init(null, null, null);
        UnsupportedOperationException c = assertThrows(UnsupportedOperationException.class,
                () -> ctx.getSocketFactory(ChannelOptions.defaults()));
        assertEquals(Mp2pContextSpi.STREAMS_NOT_WIRED, c.getMessage());
        UnsupportedOperationException s = assertThrows(UnsupportedOperationException.class,
                ctx::getServerSocketFactory);
        assertEquals(Mp2pContextSpi.STREAMS_NOT_WIRED, s.getMessage());
    }
}
