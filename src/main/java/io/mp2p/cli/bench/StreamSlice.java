package io.mp2p.cli.bench;

/** One stream contender's turn at bulk transfer: bytes that arrived, and the time from the first write to the last arrival. */
record StreamSlice(long bytes, long nanos) {
}
