package io.mp2p.net.internal;

/** {@link OkHttpContract} over in-memory streams. */
class OkHttpOverMemoryTest extends OkHttpContract {
    @Override
    StreamWorld newWorld() {
        return StreamWorld.memory();
    }
}
