package io.mp2p.portmap;

/**
 * The gateway gave no mapping. {@link #reason()} says why for code; the message says it for a user.
 *
 * <pre>{@code
 * try (PortMapKeeper k = PortMapKeeper.start(client, 41415, 7200)) { ... }
 * catch (PortMapException e) { if (e.reason() == PortMapException.Reason.NO_RESPONSE) ... }
 * }</pre>
 */
public final class PortMapException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why no mapping was made. */
    public enum Reason {
        /** Nothing answered within the retransmission schedule (port 5351) or the UPnP-IGD time budget. */
        NO_RESPONSE,
        /** The gateway answered with a result code other than success (the message names it). */
        REFUSED,
        /** Neither PCP nor NAT-PMP is spoken by what answered; or the UPnP device has no WAN*Connection service. */
        UNSUPPORTED,
        /** The socket failed (no route to the gateway, ...). */
        IO,
        /** UPnP-IGD: the device description's address (SSDP LOCATION) or a control URL is not the gateway's. */
        NOT_GATEWAY,
        /** UPnP-IGD: a response that is not acceptable HTTP, SSDP or XML (a DOCTYPE included: no entities). */
        MALFORMED,
        /** UPnP-IGD: a response larger than the bound ({@code UpnpHttp.MAX_RESPONSE_BYTES}). */
        TOO_LARGE
    }

    private final Reason reason;

    public PortMapException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PortMapException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why no mapping was made. */
    public Reason reason() {
        return reason;
    }
}
