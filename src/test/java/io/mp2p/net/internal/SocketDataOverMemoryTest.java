package io.mp2p.net.internal;

/** {@link SocketDataContract} over in-memory streams. */
class SocketDataOverMemoryTest extends SocketDataContract {
    @Override
    StreamWorld newWorld() {
        return StreamWorld.memory();
    }
}
