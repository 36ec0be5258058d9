package io.mp2p;

/**
 * What the UDP layer did, counted where it happened (the engine counts what it handed over).
 *
 * @param datagramsSent     datagrams the kernel accepted
 * @param bytesSent         their bytes
 * @param datagramsDeferred datagrams that found the socket's send buffer full and waited for room
 * @param datagramsDropped  datagrams dropped because the wait queue was full too
 * @param sendErrors        sends the kernel refused (no route, unreachable, wrong address family)
 * @param datagramsReceived datagrams read from either socket
 * @param sendQueueLength   datagrams waiting for room now
 */
public record TransportMetrics(long datagramsSent, long bytesSent, long datagramsDeferred, long datagramsDropped,
                               long sendErrors, long datagramsReceived, int sendQueueLength) {
}
