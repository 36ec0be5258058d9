package io.mp2p.cli.bench;

/** A byte-stream contender: one connection for bulk transfer and one for request and reply, opened once for the run. */
interface StreamContender extends AutoCloseable {
    BulkTransfer bulk();

    StreamRoundTrip roundTrip();

    @Override
    void close();
}
