package io.mp2p.net.internal;

/** {@link SocketSetupContract} over in-memory streams. */
class SocketSetupOverMemoryTest extends SocketSetupContract {
    @Override
    StreamWorld newWorld() {
        return StreamWorld.memory();
    }
}
