package io.mp2p.noise;

/**
 * The result of Split(): the initiator-to-responder and responder-to-initiator CipherStates, with
 * accessors relative to the side that holds them.
 */
public final class CipherStatePair {
    private final CipherState initiatorToResponder;
    private final CipherState responderToInitiator;
    private final boolean initiator;

    CipherStatePair(CipherState initiatorToResponder, CipherState responderToInitiator, boolean initiator) {
        this.initiatorToResponder = initiatorToResponder;
        this.responderToInitiator = responderToInitiator;
        this.initiator = initiator;
    }

    public CipherState initiatorToResponder() {
        return initiatorToResponder;
    }

    public CipherState responderToInitiator() {
        return responderToInitiator;
    }

    /** The CipherState this side encrypts with. */
    public CipherState sender() {
        return initiator ? initiatorToResponder : responderToInitiator;
    }

    /** The CipherState this side decrypts with. */
    public CipherState receiver() {
        return initiator ? responderToInitiator : initiatorToResponder;
    }

    /** Zeroes both keys. */
    public void destroy() {
        initiatorToResponder.destroy();
        responderToInitiator.destroy();
    }
}
